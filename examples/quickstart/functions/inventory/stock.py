# Shared by the handlers of the inventory folder: folder-based functions package every file.
ITEMS = {"apple": 3, "pear": 0}
