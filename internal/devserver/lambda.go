package devserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stelvio-go/stelvio/internal/httpapi"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtimeapi"
)

// The local Lambda endpoint: Lambda's Invoke operation for the app's functions, on a loopback port of
// its own, which every worker is given as AWS_ENDPOINT_URL_LAMBDA (honoured by aws-sdk-go-v2 and by
// botocore from 1.31; older botocore through the endpoint shim on the Python workers' PYTHONPATH). A
// handler that invokes a linked function with its SDK, by the name or ARN its link gives, runs that
// function on its own warm workers, the pool its routes use; a function no route uses gets its pool at
// the first invocation.
//
// Workers get dummy credentials and, as AWS_SESSION_TOKEN, a token of their function, which the SDKs
// send as X-Amz-Security-Token. Signatures are not checked, but the token tells which function calls:
// a function may invoke only the functions it is linked to, as on AWS, where only a link grants its
// role lambda:InvokeFunction. A call without a known token (a developer's script) may invoke any
// function of the app.

// Lambda's limits and the answers of its Invoke operation
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const (
	// MaxInvokePayload is the largest request body Lambda's Invoke accepts (6 MB, 6,291,456 bytes).
	MaxInvokePayload = 6 << 20
	// invokePrefix and invokeSuffix surround the function name in the Invoke operation's path.
	invokePrefix = "/2015-03-31/functions/"
	invokeSuffix = "/invocations"
)

// functionNamePattern is the pattern of Invoke's FunctionName: a name, a partial ARN or an ARN, with
// an optional version or alias; documentedPattern is how the API reference writes it, which a
// ValidationException quotes.
const documentedPattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

var functionNamePattern = regexp.MustCompile(`^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_\.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// lambdaFunctions are the functions the endpoint serves, by physical name, and the callers' tokens.
type lambdaFunctions struct {
	byPhysical map[string]*route.Function
	tokens     map[string]string          // function name → its workers' AWS_SESSION_TOKEN
	callers    map[string]*route.Function // token → function
	tailNoted  atomic.Bool                // the log said once that LogType Tail returns no log
}

func newLambdaFunctions(t *route.Table) *lambdaFunctions {
	l := &lambdaFunctions{byPhysical: map[string]*route.Function{}, tokens: map[string]string{}, callers: map[string]*route.Function{}}
	for _, fn := range t.Functions {
		l.byPhysical[naming.Physical(t.App, t.Env, fn.Name, naming.LambdaLimit)] = fn
		var b [24]byte
		rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails.
		token := "stelvio-dev-" + hex.EncodeToString(b[:])
		l.tokens[fn.Name] = token
		l.callers[token] = fn
	}
	return l
}

// LambdaEndpoint is the URL of the local Lambda endpoint, "" until ServeLambda runs.
func (s *Server) LambdaEndpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lambdaURL
}

// ServeLambda answers Lambda's Invoke operation on ln (a loopback listener) until ctx is done. Workers
// started after it is called get its URL as AWS_ENDPOINT_URL_LAMBDA.
func (s *Server) ServeLambda(ctx context.Context, ln net.Listener) {
	s.mu.Lock()
	s.lambdaURL = "http://" + ln.Addr().String()
	s.lambdaCtx = ctx
	s.mu.Unlock()
	srv := &http.Server{Handler: http.HandlerFunc(s.serveLambda), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // Serve ends with ErrServerClosed when ctx is done.
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
}

// lambdaEnv is what a worker of fn needs to call the local Lambda endpoint with the AWS SDKs: the
// endpoint, dummy credentials (those of Options.Env when set) and fn's token.
func (s *Server) lambdaEnv(fn *route.Function) map[string]string {
	endpoint := s.LambdaEndpoint()
	if endpoint == "" {
		return nil
	}
	env := map[string]string{
		"AWS_ENDPOINT_URL_LAMBDA": endpoint,
		"AWS_ACCESS_KEY_ID":       "local",
		"AWS_SECRET_ACCESS_KEY":   "local",
		"AWS_SESSION_TOKEN":       s.lambda.tokens[fn.Name],
	}
	if id := s.opts.Env["AWS_ACCESS_KEY_ID"]; id != "" {
		env["AWS_ACCESS_KEY_ID"] = id
		env["AWS_SECRET_ACCESS_KEY"] = s.opts.Env["AWS_SECRET_ACCESS_KEY"]
	}
	return env
}

// lambdaError is an error answer of the Lambda API: the status, the x-amzn-ErrorType header and the
// JSON body ({"Type": "User", "message": ...}, as Lambda's errors are shaped).
type lambdaError struct {
	status  int
	code    string
	kind    string // "User" or "Service"; "" leaves Type out
	message string
}

func (e lambdaError) write(w http.ResponseWriter, requestID string) {
	doc := map[string]string{"message": e.message}
	if e.kind != "" {
		doc["Type"] = e.kind
	}
	body, _ := json.Marshal(doc)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-ErrorType", e.code)
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(e.status)
	w.Write(body) //nolint:errcheck // The client may have gone; nothing to do about it.
}

func (s *Server) serveLambda(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	status, name := s.invoke(w, r, requestID)
	s.logf("lambda %s %s %d %s %s\n", r.Method, r.URL.Path, status, formatDuration(time.Since(start)), name)
}

// invoke answers one request of the endpoint and returns the status sent and the function invoked.
func (s *Server) invoke(w http.ResponseWriter, r *http.Request, requestID string) (int, string) {
	if !fromLoopback(r) {
		e := lambdaError{http.StatusForbidden, "AccessDeniedException", "", "the local Lambda endpoint of stelvio dev answers this machine only"}
		e.write(w, requestID)
		return e.status, "-"
	}
	// Signatures are not checked: a request under a Host that is not loopback (a web page's, by DNS
	// rebinding) is refused as the API's are (host.go).
	if name, refused := refusedHost(r, false, s.opts.AllowHosts); refused {
		e := lambdaError{http.StatusForbidden, "AccessDeniedException", "", hostMessage(name)}
		e.write(w, requestID)
		return e.status, "-"
	}
	path := r.URL.EscapedPath()
	if r.Method != http.MethodPost || !strings.HasPrefix(path, invokePrefix) || !strings.HasSuffix(path, invokeSuffix) ||
		len(path) <= len(invokePrefix)+len(invokeSuffix) {
		e := lambdaError{http.StatusNotFound, "UnknownOperationException", "", "stelvio dev serves Lambda's Invoke operation only: POST " + invokePrefix + "{FunctionName}" + invokeSuffix}
		e.write(w, requestID)
		return e.status, "-"
	}
	raw, err := url.PathUnescape(path[len(invokePrefix) : len(path)-len(invokeSuffix)])
	if err != nil {
		raw = path[len(invokePrefix) : len(path)-len(invokeSuffix)]
	}
	fn, arn, e := s.lambdaTarget(raw, r.URL.Query().Get("Qualifier"))
	if e != nil {
		e.write(w, requestID)
		return e.status, raw
	}
	if caller := s.lambda.callers[r.Header.Get("X-Amz-Security-Token")]; caller != nil && !linksFunction(caller, fn) {
		// Lambda's message for a role without lambda:InvokeFunction; the role's session is the function.
		physical := naming.Physical(s.table.App, s.table.Env, caller.Name, naming.LambdaLimit)
		e := lambdaError{http.StatusForbidden, "AccessDeniedException", "",
			fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/%s/%s is not authorized to perform: lambda:InvokeFunction on resource: %s because no identity-based policy allows the lambda:InvokeFunction action (link function %q to function %q to allow it)",
				AccountID, naming.Role(s.table.App, s.table.Env, caller.Name), physical, arn, fn.Name, caller.Name)}
		s.logf("[%s] invoke %s: AccessDeniedException: function %q is not linked to function %q; on AWS its role may not invoke it either: add function.Link to %q's options\n",
			caller.Name, fn.Name, caller.Name, fn.Name, caller.Name)
		e.write(w, requestID)
		return e.status, fn.Name
	}
	kind := r.Header.Get("X-Amz-Invocation-Type")
	switch kind {
	case "", "RequestResponse", "Event", "DryRun":
	default:
		e := lambdaError{http.StatusBadRequest, "ValidationException", "",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", kind)}
		e.write(w, requestID)
		return e.status, fn.Name
	}
	if r.ContentLength > MaxInvokePayload {
		requestTooLarge.write(w, requestID)
		return requestTooLarge.status, fn.Name
	}
	payload, err := httpapi.ReadBody(r, MaxInvokePayload)
	switch {
	case errors.Is(err, httpapi.ErrClientGone):
		s.logf("[%s] %v\n", fn.Name, httpapi.ErrClientGone)
		return 499, fn.Name
	case err != nil:
		// Invoke's answer to a body it cannot read (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
		e := lambdaError{http.StatusBadRequest, "InvalidRequestContentException", "User", "Could not read the request body: " + err.Error()}
		e.write(w, requestID)
		return e.status, fn.Name
	}
	if len(payload) > MaxInvokePayload {
		requestTooLarge.write(w, requestID)
		return requestTooLarge.status, fn.Name
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		e := lambdaError{http.StatusBadRequest, "InvalidRequestContentException", "User", "Could not parse request body into json: the payload is not valid JSON"}
		e.write(w, requestID)
		return e.status, fn.Name
	}
	if kind == "DryRun" {
		w.Header().Set("x-amzn-RequestId", requestID)
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent, fn.Name
	}
	if r.Header.Get("X-Amz-Log-Type") == "Tail" && !s.lambda.tailNoted.Swap(true) {
		s.logf("lambda: LogType Tail: stelvio dev returns no X-Amz-Log-Result; the functions' output is in this log\n")
	}
	run := s.functionRunner(fn)
	if kind == "Event" {
		// Lambda queues the event and answers at once; the function runs in the background.
		s.mu.Lock()
		ctx, retries := s.lambdaCtx, s.eventRetries
		s.mu.Unlock()
		go s.invokeEvent(ctx, run, payload, retries)
		w.Header().Set("x-amzn-RequestId", requestID)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusAccepted)
		return http.StatusAccepted, fn.Name
	}
	ctx := r.Context()
	pool, err := run.current(ctx)
	if be := (*BuildError)(nil); errors.As(err, &be) || err != nil && run.buildFailed() {
		// The deployed function would not exist; the caller gets an error document naming the problem.
		doc, _ := json.Marshal(map[string]string{"errorMessage": fmt.Sprintf("function %q does not build; fix the compiler errors printed in the stelvio dev log", fn.Name), "errorType": "Runtime.BuildError"})
		writeInvokeResult(w, requestID, true, doc)
		return http.StatusOK, fn.Name
	}
	if err != nil {
		s.logf("[%s] %s\n", fn.Name, err)
		e := lambdaError{http.StatusInternalServerError, "ServiceException", "Service", "stelvio dev could not start function " + fn.Name + ": " + err.Error()}
		e.write(w, requestID)
		return e.status, fn.Name
	}
	res, err := pool.Invoke(ctx, payload)
	if err != nil {
		if ctx.Err() != nil {
			return 499, fn.Name // the client went away
		}
		s.logf("[%s] %v\n", fn.Name, err)
		e := lambdaError{http.StatusInternalServerError, "ServiceException", "Service", "stelvio dev could not run function " + fn.Name + ": " + err.Error()}
		e.write(w, requestID)
		return e.status, fn.Name
	}
	if res.RequestID != "" {
		requestID = res.RequestID
	}
	writeInvokeResult(w, requestID, res.Err != nil, res.Payload)
	return http.StatusOK, fn.Name
}

// requestTooLarge is Lambda's answer to an Invoke request body over MaxInvokePayload.
var requestTooLarge = lambdaError{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "",
	fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", MaxInvokePayload)}

// writeInvokeResult writes a synchronous invocation's answer: 200 with the function's response, or
// with the error document and X-Amz-Function-Error: Unhandled when the invocation failed.
func writeInvokeResult(w http.ResponseWriter, requestID string, failed bool, payload []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(payload)))
	h.Set("X-Amz-Executed-Version", "$LATEST")
	h.Set("x-amzn-RequestId", requestID)
	if failed {
		h.Set("X-Amz-Function-Error", "Unhandled")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(payload) //nolint:errcheck // The client may have gone; nothing to do about it.
}

// eventRetries are the waits before Lambda's two further attempts of an asynchronous invocation
// whose function failed (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html:
// "a one-minute wait between the first two attempts, and two minutes between the second and third").
var eventRetries = []time.Duration{time.Minute, 2 * time.Minute}

// invokeEvent runs an asynchronous invocation, with Lambda's retries when the function fails, until
// the endpoint stops (ctx); failures are logged.
func (s *Server) invokeEvent(ctx context.Context, run *runner, payload []byte, retries []time.Duration) {
	for attempt := 0; ; attempt++ {
		pool, err := run.current(ctx)
		if err != nil {
			if !errors.As(err, new(*BuildError)) && ctx.Err() == nil {
				s.logf("[%s] asynchronous invocation: %v\n", run.label, err)
			}
			return
		}
		res, err := pool.Invoke(ctx, payload)
		switch {
		case errors.Is(err, runtimeapi.ErrClosed) || ctx.Err() != nil: // dev is stopping
			return
		case err != nil:
			s.logf("[%s] asynchronous invocation: %v\n", run.label, err)
			return
		case res.Err == nil:
			return
		}
		problem := strings.TrimSpace(res.Err.Error())
		if attempt == len(retries) {
			s.logf("[%s] asynchronous invocation failed (attempt %d of %d): %s; the event is discarded\n", run.label, attempt+1, len(retries)+1, problem)
			return
		}
		s.logf("[%s] asynchronous invocation failed (attempt %d of %d): %s; retrying in %s\n", run.label, attempt+1, len(retries)+1, problem, retries[attempt])
		select {
		case <-time.After(retries[attempt]):
		case <-ctx.Done():
			return
		}
	}
}

// lambdaTarget finds the function a FunctionName (and Qualifier) names, and its ARN. A name, partial
// ARN or ARN of a function of the app in the server's region and account, unqualified or $LATEST, is
// found; anything else is Lambda's 404.
func (s *Server) lambdaTarget(name, qualifier string) (*route.Function, string, *lambdaError) {
	m := functionNamePattern.FindStringSubmatch(name)
	notFound := func(arn string) *lambdaError {
		return &lambdaError{http.StatusNotFound, "ResourceNotFoundException", "User", "Function not found: " + arn}
	}
	if m == nil {
		return nil, "", &lambdaError{http.StatusBadRequest, "ValidationException", "",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", name, documentedPattern)}
	}
	region, account, fnName, version := m[1], m[2], m[3], m[4]
	if region == "" {
		region = s.opts.Region
	}
	if account == "" {
		account = AccountID
	}
	if version == "" {
		version = qualifier
	}
	arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, fnName)
	if version != "" {
		arn += ":" + version
	}
	fn := s.lambda.byPhysical[fnName]
	if fn == nil || region != s.opts.Region || account != AccountID || version != "" && version != "$LATEST" {
		if fn == nil {
			s.logf("lambda: no function of the app is deployed as %q; the app's functions are %s\n", fnName, s.physicalNames())
		}
		return nil, "", notFound(arn)
	}
	return fn, arn, nil
}

// physicalNames lists the physical names of the app's functions, for a diagnostic.
func (s *Server) physicalNames() string {
	names := make([]string, 0, len(s.lambda.byPhysical))
	for n := range s.lambda.byPhysical {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// linksFunction reports whether caller is linked to fn (or is fn).
func linksFunction(caller, fn *route.Function) bool {
	if caller == fn {
		return false
	}
	for _, l := range caller.Links {
		if l.Function == fn {
			return true
		}
	}
	return false
}

// fromLoopback reports whether r came from this machine.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
