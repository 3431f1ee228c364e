package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/stelvio-go/stelvio/internal/app"
	"github.com/stelvio-go/stelvio/internal/devserver"
	"github.com/stelvio-go/stelvio/internal/link"
	"github.com/stelvio-go/stelvio/internal/naming"
	"github.com/stelvio-go/stelvio/internal/route"
	"github.com/stelvio-go/stelvio/internal/runtime/python/endpointshim"
)

// devLinks is what dev adds for the app's tables and links: the local DynamoDB engine (when the app
// declares tables), the environment every worker gets, and the link variables of each function.
type devLinks struct {
	// Env is added to every worker's environment: the engine's endpoint, region and dummy
	// credentials, and PYTHONPATH with stelvio_link.py and the endpoint shim.
	Env map[string]string
	// Region is the region of the tables' ARNs; "" when the app has no tables.
	Region string
	tables app.LocalTables
}

// Close stops the local engine, writing its last snapshot.
func (d *devLinks) Close() error {
	if d == nil || d.tables == nil {
		return nil
	}
	return d.tables.Close()
}

// DevDataDir is where dev keeps the local tables' data, inside the project.
func DevDataDir(projectDir string) string {
	return filepath.Join(projectDir, ".stelvio", "dev", "dynamodb")
}

// startDevLinks starts the local engine with t's tables (under their physical names), prints the
// warnings of t and what changed in the local tables, and sets the link variables of every function
// (a function's own variables win). reset deletes the local data first. base is the dev server's URL,
// "http://127.0.0.1:3000", which linked APIs are served under.
func startDevLinks(ctx context.Context, t *route.Table, projectDir string, reset bool, base string, log io.Writer) (*devLinks, error) {
	for _, w := range t.Warnings {
		fmt.Fprintf(log, "%s\n", w)
	}
	d := &devLinks{Env: map[string]string{}}
	linked := false
	for _, fn := range t.Functions {
		linked = linked || len(fn.Links) > 0
	}
	if reset && len(t.Tables) == 0 {
		if err := os.RemoveAll(DevDataDir(projectDir)); err != nil {
			return nil, fmt.Errorf("reset local data: %w", err)
		}
	}
	if len(t.Tables) == 0 && !linked {
		return d, nil
	}
	site := filepath.Join(projectDir, ".stelvio", "dev", "site")
	if err := os.MkdirAll(site, 0o755); err != nil {
		return nil, fmt.Errorf("python link module: %w", err)
	}
	if err := os.WriteFile(filepath.Join(site, link.PythonModuleName), link.PythonModule, 0o644); err != nil {
		return nil, fmt.Errorf("python link module: %w", err)
	}
	// The endpoint shim lets old botocore reach the local Lambda endpoint (and the local tables).
	if _, err := endpointshim.Write(site); err != nil {
		return nil, err
	}
	d.Env["PYTHONPATH"] = site
	region := "us-east-1"
	if len(t.Tables) > 0 {
		if app.StartLocalTables == nil {
			return nil, fmt.Errorf("the app declares tables but the local dynamodb engine is not linked; import github.com/stelvio-go/stelvio/aws/dynamodb")
		}
		opts := app.LocalTablesOptions{
			Dir: DevDataDir(projectDir), Reset: reset, ShimDir: site,
			Logf: func(format string, args ...any) { fmt.Fprintf(log, format+"\n", args...) },
		}
		for _, tb := range t.Tables {
			opts.Tables = append(opts.Tables, tb.PhysicalSpec(t.App, t.Env))
		}
		lt, err := app.StartLocalTables(ctx, opts)
		if err != nil {
			return nil, err
		}
		d.tables = lt
		for _, c := range lt.Changes() {
			fmt.Fprintf(log, "stelvio dev: local table %s\n", c)
		}
		env := lt.Env()
		region = env["AWS_REGION"]
		d.Region = region
		maps.Copy(d.Env, env)
		d.Env["PYTHONPATH"] = site
	}
	for _, fn := range t.Functions {
		vars := fn.LinkVariables()
		if len(vars) == 0 {
			continue
		}
		env := maps.Clone(fn.Environment)
		if env == nil {
			env = map[string]string{}
		}
		for name, v := range vars {
			val, err := d.value(ctx, t, region, base, v)
			if err != nil {
				return nil, errors2(err, d.Close())
			}
			env[name] = val
		}
		fn.Environment = env
	}
	if d.tables != nil {
		// Each function's requests are held to what its links allow (devaccess.go).
		if err := d.grantFunctions(ctx, t); err != nil {
			return nil, errors2(err, d.Close())
		}
	}
	return d, nil
}

// value is a link variable's value under dev: the local table's name and ARNs, a function's physical
// name and the ARN it has under dev (dev's account, the engine's region), or the URL dev serves an API
// (REST or HTTP) at.
func (d *devLinks) value(ctx context.Context, t *route.Table, region, base string, v route.LinkVar) (string, error) {
	l := v.Link
	if l.Api != nil {
		return base + devserver.MountPath(t, l.Api), nil
	}
	if l.HTTPApi != nil {
		return base + devserver.HTTPMountPath(t, l.HTTPApi), nil
	}
	if l.Table != nil {
		name, arn, stream, err := d.tables.Table(ctx, l.Table.Physical(t.App, t.Env))
		if err != nil {
			return "", err
		}
		switch v.Attr {
		case link.AttrName:
			return name, nil
		case link.AttrARN:
			return arn, nil
		default:
			return stream, nil
		}
	}
	name := naming.Physical(t.App, t.Env, l.Function.Name, naming.LambdaLimit)
	if v.Attr == link.AttrName {
		return name, nil
	}
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, devserver.AccountID, name), nil
}

// closeLogged is Close for a defer: a failure to write the last snapshot is reported on log.
func (d *devLinks) closeLogged(log io.Writer) {
	if err := d.Close(); err != nil {
		fmt.Fprintf(log, "stelvio dev: %v\n", err)
	}
}

func errors2(err, closeErr error) error {
	if closeErr != nil {
		return fmt.Errorf("%w (stopping the local engine: %v)", err, closeErr)
	}
	return err
}

// devURL is the URL dev serves at, as linked APIs see it; a random port (-1) is not known before
// listening, so it reads as port 0.
func devURL(host string, port int) string {
	if host == "" {
		host = devserver.DefaultHost
	}
	switch {
	case port == 0:
		port = devserver.DefaultPort
	case port < 0:
		port = 0
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}
