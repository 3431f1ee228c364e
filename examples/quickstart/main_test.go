package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/cli/clitest"
	"github.com/stelvio-go/stelvio/internal/devserver"
)

type answer struct {
	Function       string            `json:"function"`
	PathParameters map[string]string `json:"pathParameters"`
	Method         string            `json:"method"`
	Query          map[string]string `json:"query"`
	Created        map[string]any    `json:"created"`
}

// TestQuickstartServedLocally serves the quickstart as `dev` does and calls every route over HTTP: each
// answer names the user function that ran and echoes the path parameters API Gateway would pass.
func TestQuickstartServedLocally(t *testing.T) {
	table, err := app.ProgramOf(App(), Run).Load("test", ".")
	if err != nil {
		t.Fatal(err)
	}
	var log clitest.SyncBuffer
	srv, err := devserver.New(table, devserver.Options{ProjectDir: ".", Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	tests := []struct {
		method, path, body string
		status             int
		want               answer
	}{
		{"GET", "/users", "", 200, answer{Function: "users.index", PathParameters: map[string]string{}}},
		{"GET", "/users/", "", 200, answer{Function: "users.index", PathParameters: map[string]string{}}},
		{"GET", "/users/1", "", 200, answer{Function: "users.get", PathParameters: map[string]string{"id": "1"}}},
		{"GET", "/users/42", "", 404, answer{Function: "users.get", PathParameters: map[string]string{"id": "42"}}},
		{"POST", "/users", `{"name":"Grace"}`, 201, answer{Function: "users.create", PathParameters: map[string]string{}, Created: map[string]any{"name": "Grace"}}},
		{"GET", "/orders?status=open", "", 200, answer{Function: "orders.index", PathParameters: map[string]string{}, Query: map[string]string{"status": "open"}}},
		{"GET", "/inventory", "", 200, answer{Function: "inventory.index", PathParameters: map[string]string{}}},
		{"GET", "/inventory/apple", "", 200, answer{Function: "inventory.get", PathParameters: map[string]string{"sku": "apple"}}},
		{"GET", "/reports", "", 200, answer{Function: "reports.handler", PathParameters: map[string]string{}}},
		{"GET", "/hello/ada", "", 200, answer{Function: "hello.Hello", PathParameters: map[string]string{"name": "ada"}, Method: "GET"}},
		{"POST", "/hello/ada", "", 200, answer{Function: "hello.Hello", PathParameters: map[string]string{"name": "ada"}, Method: "POST"}},
		{"DELETE", "/hello", "", 200, answer{Function: "hello.Any", PathParameters: map[string]string{}, Method: "DELETE"}},
		{"PATCH", "/hello", "", 200, answer{Function: "hello.Any", PathParameters: map[string]string{}, Method: "PATCH"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			status, body := call(t, ts.URL, tt.method, tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d; body %s", status, tt.status, body)
			}
			var got answer
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			got.Created = normalize(got.Created)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("answer %+v, want %+v", got, tt.want)
			}
		})
	}

	// What API Gateway answers for a path or method no route serves.
	for _, c := range [][2]string{{"GET", "/nope"}, {"DELETE", "/users"}, {"PUT", "/users/1"}, {"GET", "/reports/x"}, {"GET", "/v1/users/1"}} {
		status, body := call(t, ts.URL, c[0], c[1], "")
		if status != 403 || string(body) != `{"message":"Missing Authentication Token"}` {
			t.Errorf("%s %s: %d %s, want 403 Missing Authentication Token", c[0], c[1], status, body)
		}
	}

	// The deployed URL's stage in the path answers as on AWS, and the log says where dev serves it.
	if want := "GET /v1/users/1: no route; dev serves api my-api without its stage /v1: /users/1\n"; !strings.Contains(log.String(), want) {
		t.Errorf("the log does not say %q:\n%s", want, log.String())
	}

	// The memory set on the function.New instance reaches its environment.
	_, body := call(t, ts.URL, "GET", "/reports", "")
	if !strings.Contains(string(body), `"memory": "512"`) {
		t.Errorf("reports function does not see its 512 MB: %s", body)
	}

	// Parallel requests to Go and Python functions are all answered.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := fmt.Sprintf("/hello/n%d", i)
			if i%2 == 1 {
				p = fmt.Sprintf("/inventory/n%d", i)
			}
			status, body := call(t, ts.URL, "GET", p, "")
			if (i%2 == 0 && status != 200) || (i%2 == 1 && status != 404) || !bytes.Contains(body, []byte(fmt.Sprintf("n%d", i))) {
				errs <- fmt.Errorf("GET %s: %d %s", p, status, body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !strings.Contains(log.String(), "GET /users/1 200") {
		t.Errorf("access log has no line for GET /users/1:\n%s", log.String())
	}
}

func call(t *testing.T, base, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func normalize(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}
