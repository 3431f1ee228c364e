package link

import (
	"errors"
	"testing"
)

func TestAccessors(t *testing.T) {
	t.Setenv("STELVIO_TABLE_USER_EVENTS_NAME", "app-user-events")
	t.Setenv("STELVIO_TABLE_USER_EVENTS_ARN", "arn:t")
	t.Setenv("STELVIO_TABLE_USER_EVENTS_STREAM_ARN", "arn:t/stream/1")
	t.Setenv("STELVIO_FUNCTION_MAIL_NAME", "app-mail")
	t.Setenv("STELVIO_FUNCTION_MAIL_ARN", "arn:f")
	t.Setenv("STELVIO_TABLE_HALF_NAME", "app-half") // ARN missing: not a usable link

	tb, err := Table("user-events")
	if err != nil || tb != (TableInfo{Name: "app-user-events", ARN: "arn:t", StreamARN: "arn:t/stream/1"}) {
		t.Errorf("Table = %+v, %v", tb, err)
	}
	fn, err := Function("mail")
	if err != nil || fn != (FunctionInfo{Name: "app-mail", ARN: "arn:f"}) {
		t.Errorf("Function = %+v, %v", fn, err)
	}

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"unlinked table", func() error { _, err := Table("todos"); return err },
			`link: table "todos" is not linked to this function (STELVIO_TABLE_TODOS_NAME is not set; table links set: STELVIO_TABLE_HALF_NAME, STELVIO_TABLE_USER_EVENTS_NAME); link the table to the function in the app`},
		{"table without ARN", func() error { _, err := Table("half"); return err },
			`link: table "half" is not linked to this function (STELVIO_TABLE_HALF_ARN is not set; table links set: STELVIO_TABLE_HALF_NAME, STELVIO_TABLE_USER_EVENTS_NAME); link the table to the function in the app`},
		{"no api at all", func() error { _, err := API("billing"); return err },
			`link: api "billing" is not linked to this function (STELVIO_API_BILLING_URL is not set; no api is linked to it); link the api to the function in the app`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var nl *NotLinkedError
			if !errors.As(err, &nl) {
				t.Fatalf("err = %v, want a *NotLinkedError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}
