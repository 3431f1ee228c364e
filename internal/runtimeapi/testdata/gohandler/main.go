// Command gohandler is a Lambda function built with aws-lambda-go that the runtimeapi tests run as a
// worker. The event's "action" says what it does.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/stelvio-go/stelvio/internal/runtime/golang/devloop"
)

type event struct {
	Action     string          `json:"action"`
	Message    string          `json:"message"`
	Code       int             `json:"code"`
	Ms         int             `json:"ms"`
	URL        string          `json:"url"`
	Size       int             `json:"size"`
	MB         int             `json:"mb"`
	HTTPMethod string          `json:"httpMethod"`
	Raw        json.RawMessage `json:"-"`
}

var envNames = []string{
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "TZ",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "GREETING",
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	lc, _ := lambdacontext.FromContext(ctx)
	if e.HTTPMethod != "" {
		return apigw(raw)
	}
	switch e.Action {
	case "echo":
		env := map[string]string{}
		for _, n := range envNames {
			env[n] = os.Getenv(n)
		}
		var names []string
		for _, kv := range os.Environ() {
			names = append(names, strings.SplitN(kv, "=", 2)[0])
		}
		deadline, ok := ctx.Deadline()
		return map[string]any{
			"envNames":    names,
			"logStream":   lambdacontext.LogStreamName,
			"event":       raw,
			"requestId":   lc.AwsRequestID,
			"arn":         lc.InvokedFunctionArn,
			"env":         env,
			"pid":         os.Getpid(),
			"hasDeadline": ok && time.Until(deadline) > 0,
		}, nil
	case "error":
		return nil, errors.New(e.Message)
	case "panic":
		panic(e.Message)
	case "exit":
		fmt.Println("exiting with", e.Code)
		os.Exit(e.Code)
	case "sleep":
		time.Sleep(time.Duration(e.Ms) * time.Millisecond)
		return map[string]any{"slept": e.Ms, "pid": os.Getpid()}, nil
	case "barrier":
		resp, err := http.Get(e.URL)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		return map[string]any{"pid": os.Getpid()}, nil
	case "spawn":
		cmd := exec.Command("sleep", "300")
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		return map[string]any{"child": cmd.Process.Pid}, nil
	case "big":
		return strings.Repeat("x", e.Size), nil
	case "alloc":
		held := make([]byte, e.MB<<20)
		for i := range held {
			held[i] = 'x'
		}
		return map[string]any{"allocated": len(held) >> 20}, nil
	case "log":
		fmt.Println("to stdout:", e.Message)
		fmt.Fprintln(os.Stderr, "to stderr:", e.Message)
		return "logged", nil
	}
	return nil, fmt.Errorf("unknown action %q", e.Action)
}

// apigw answers an API Gateway proxy event with what it saw, leaving out what differs per invocation.
func apigw(raw json.RawMessage) (events.APIGatewayProxyResponse, error) {
	var req events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if req.Path == "/fail" {
		return events.APIGatewayProxyResponse{}, errors.New("handler failed on " + req.Path)
	}
	body, err := json.Marshal(map[string]any{
		"method":   req.HTTPMethod,
		"path":     req.Path,
		"resource": req.Resource,
		"query":    req.QueryStringParameters,
		"params":   req.PathParameters,
		"function": lambdacontext.FunctionName,
		"memory":   lambdacontext.MemoryLimitInMB,
		"version":  lambdacontext.FunctionVersion,
		"region":   os.Getenv("AWS_REGION"),
	})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{
		StatusCode:        200,
		Headers:           map[string]string{"Content-Type": "application/json"},
		MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}},
		Body:              string(body),
	}, nil
}

func main() {
	devloop.Start(handle) // the Runtime API, or the pipe when the pool asks for it
}
