package python_test

import (
	"errors"
	"strconv"
	"time"
)

var (
	zipEpoch  = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	fixedTime = time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
)

func itoa(n int) string { return strconv.Itoa(n) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }
