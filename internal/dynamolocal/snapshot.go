package dynamolocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SnapshotFile is the name of the snapshot inside Options.Dir.
const SnapshotFile = "dynamodb.json"

// snapshotFormat is bumped when the file layout changes; other formats are refused, not guessed.
const snapshotFormat = 1

type snapshot struct {
	Format int             `json:"format"`
	Saved  time.Time       `json:"saved"`
	Tables []tableSnapshot `json:"tables"`
}

type tableSnapshot struct {
	Create       createTableInput  `json:"create"`
	TTLAttribute string            `json:"ttlAttribute,omitempty"`
	Items        []json.RawMessage `json:"items"`
}

// createTableInput is the CreateTable request that re-creates a described table. Key schemas,
// attribute definitions, projections and stream specifications pass through as DynamoDB wrote them.
type createTableInput struct {
	TableName              string           `json:"TableName"`
	KeySchema              json.RawMessage  `json:"KeySchema"`
	AttributeDefinitions   json.RawMessage  `json:"AttributeDefinitions"`
	LocalSecondaryIndexes  []indexInput     `json:"LocalSecondaryIndexes,omitempty"`
	GlobalSecondaryIndexes []indexInput     `json:"GlobalSecondaryIndexes,omitempty"`
	StreamSpecification    *json.RawMessage `json:"StreamSpecification,omitempty"`
	BillingMode            string           `json:"BillingMode"`
}

type indexInput struct {
	IndexName  string          `json:"IndexName"`
	KeySchema  json.RawMessage `json:"KeySchema"`
	Projection json.RawMessage `json:"Projection"`
}

type tableDescription struct {
	TableName              string           `json:"TableName"`
	TableStatus            string           `json:"TableStatus"`
	TableArn               string           `json:"TableArn"`
	LatestStreamArn        string           `json:"LatestStreamArn"`
	KeySchema              json.RawMessage  `json:"KeySchema"`
	AttributeDefinitions   json.RawMessage  `json:"AttributeDefinitions"`
	LocalSecondaryIndexes  []indexInput     `json:"LocalSecondaryIndexes"`
	GlobalSecondaryIndexes []indexInput     `json:"GlobalSecondaryIndexes"`
	StreamSpecification    *json.RawMessage `json:"StreamSpecification"`
}

// apiError is a DynamoDB error answer.
type apiError struct {
	Op      string
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%s: %s: %s", e.Op, e.Code, e.Message) }

func isCode(err error, code string) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Code == code
}

// call sends one DynamoDB JSON request straight to the engine (not through the listener, so it
// neither counts as a change nor needs a checksum).
func (s *Server) call(ctx context.Context, op string, in, out any) error {
	if shapeOps[op] {
		s.shapeChanged()
		defer s.shapeChanged()
	}
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.upstream+"/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", dynamoPrefix+op)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: read response: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		_ = json.Unmarshal(data, &e)
		code := e.Type[strings.LastIndex(e.Type, "#")+1:]
		msg := e.Message
		if msg == "" {
			msg = e.Msg
		}
		if code == "" {
			code, msg = resp.Status, string(data)
		}
		return &apiError{Op: op, Code: code, Message: msg}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: decode response: %w", op, err)
	}
	return nil
}

func (s *Server) listTables(ctx context.Context) ([]string, error) {
	var names []string
	var start string
	for {
		in := map[string]any{}
		if start != "" {
			in["ExclusiveStartTableName"] = start
		}
		var out struct {
			TableNames             []string
			LastEvaluatedTableName string
		}
		if err := s.call(ctx, "ListTables", in, &out); err != nil {
			return nil, err
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == "" {
			return names, nil
		}
		start = out.LastEvaluatedTableName
	}
}

func (s *Server) describe(ctx context.Context, name string) (*tableDescription, error) {
	var out struct{ Table tableDescription }
	if err := s.call(ctx, "DescribeTable", map[string]string{"TableName": name}, &out); err != nil {
		return nil, err
	}
	return &out.Table, nil
}

func (s *Server) ttlAttribute(ctx context.Context, name string) (string, error) {
	var out struct {
		TimeToLiveDescription struct {
			TimeToLiveStatus string
			AttributeName    string
		}
	}
	if err := s.call(ctx, "DescribeTimeToLive", map[string]string{"TableName": name}, &out); err != nil {
		return "", err
	}
	switch out.TimeToLiveDescription.TimeToLiveStatus {
	case "ENABLED", "ENABLING":
		return out.TimeToLiveDescription.AttributeName, nil
	}
	return "", nil
}

func (s *Server) scanAll(ctx context.Context, name string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	var start json.RawMessage
	for {
		in := map[string]any{"TableName": name, "ConsistentRead": true}
		if start != nil {
			in["ExclusiveStartKey"] = start
		}
		var out struct {
			Items            []json.RawMessage
			LastEvaluatedKey json.RawMessage
		}
		if err := s.call(ctx, "Scan", in, &out); err != nil {
			return nil, err
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 || string(out.LastEvaluatedKey) == "null" {
			return items, nil
		}
		start = out.LastEvaluatedKey
	}
}

func (s *Server) putAll(ctx context.Context, table string, items []json.RawMessage) error {
	for len(items) > 0 {
		n := min(len(items), 25) // BatchWriteItem's limit
		var reqs []any
		for _, it := range items[:n] {
			reqs = append(reqs, map[string]any{"PutRequest": map[string]json.RawMessage{"Item": it}})
		}
		items = items[n:]
		in := map[string]any{"RequestItems": map[string]any{table: reqs}}
		for attempt := 0; ; attempt++ {
			var out struct {
				UnprocessedItems map[string][]struct {
					PutRequest struct{ Item json.RawMessage }
				}
			}
			if err := s.call(ctx, "BatchWriteItem", in, &out); err != nil {
				return err
			}
			left := out.UnprocessedItems[table]
			if len(left) == 0 {
				break
			}
			if attempt == 10 {
				return fmt.Errorf("BatchWriteItem: %d items stay unprocessed", len(left))
			}
			reqs = reqs[:0]
			for _, u := range left {
				reqs = append(reqs, map[string]any{"PutRequest": map[string]json.RawMessage{"Item": u.PutRequest.Item}})
			}
			in = map[string]any{"RequestItems": map[string]any{table: reqs}}
		}
	}
	return nil
}

func (d *tableDescription) createInput() createTableInput {
	return createTableInput{
		TableName:              d.TableName,
		KeySchema:              d.KeySchema,
		AttributeDefinitions:   d.AttributeDefinitions,
		LocalSecondaryIndexes:  d.LocalSecondaryIndexes,
		GlobalSecondaryIndexes: d.GlobalSecondaryIndexes,
		StreamSpecification:    d.StreamSpecification,
		BillingMode:            "PAY_PER_REQUEST",
	}
}

// Snapshot writes all tables to Options.Dir now if data changed since the last snapshot. It does
// nothing without a Dir.
func (s *Server) Snapshot(ctx context.Context) error {
	if s.opts.Dir == "" {
		return nil
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	changes := s.changes.Load()
	if changes == s.saved.Load() {
		return nil
	}
	snap, err := s.capture(ctx)
	if err != nil {
		s.lastErr = fmt.Errorf("snapshot: %w", err)
		return s.lastErr
	}
	if err := writeFileAtomic(filepath.Join(s.opts.Dir, SnapshotFile), snap); err != nil {
		s.lastErr = fmt.Errorf("snapshot: %w", err)
		return s.lastErr
	}
	s.saved.Store(changes)
	s.lastErr = nil
	return nil
}

func (s *Server) capture(ctx context.Context) ([]byte, error) {
	names, err := s.listTables(ctx)
	if err != nil {
		return nil, err
	}
	snap := snapshot{Format: snapshotFormat, Saved: time.Now().UTC(), Tables: []tableSnapshot{}}
	for _, name := range names {
		d, err := s.describe(ctx, name)
		if isCode(err, "ResourceNotFoundException") {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		ttl, err := s.ttlAttribute(ctx, name)
		if err != nil {
			return nil, err
		}
		items, err := s.scanAll(ctx, name)
		if err != nil {
			return nil, err
		}
		if items == nil {
			items = []json.RawMessage{}
		}
		snap.Tables = append(snap.Tables, tableSnapshot{Create: d.createInput(), TTLAttribute: ttl, Items: items})
	}
	return json.Marshal(snap)
}

// writeFileAtomic writes data to a temporary file in the same folder, syncs it and renames it over
// path, then syncs the folder: readers see the old or the new content, never a part.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs folders
		d.Close()
	}
	return nil
}

func (s *Server) restore(ctx context.Context) error {
	path := filepath.Join(s.opts.Dir, SnapshotFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read snapshot: %w", err)
	}
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("read snapshot %s: %w; delete the folder %s to start with empty tables", path, err, s.opts.Dir)
	}
	if snap.Format != snapshotFormat {
		return fmt.Errorf("read snapshot %s: format %d, this version reads %d; delete the folder %s to start with empty tables", path, snap.Format, snapshotFormat, s.opts.Dir)
	}
	for _, t := range snap.Tables {
		if err := s.createTable(ctx, t.Create, t.TTLAttribute); err != nil {
			return fmt.Errorf("restore table %q: %w", t.Create.TableName, err)
		}
		if err := s.putAll(ctx, t.Create.TableName, t.Items); err != nil {
			return fmt.Errorf("restore table %q: %w", t.Create.TableName, err)
		}
	}
	return nil
}

func (s *Server) createTable(ctx context.Context, in createTableInput, ttl string) error {
	if err := s.call(ctx, "CreateTable", in, nil); err != nil {
		return err
	}
	if err := s.waitActive(ctx, in.TableName); err != nil {
		return err
	}
	if ttl != "" {
		return s.setTTL(ctx, in.TableName, ttl, true)
	}
	return nil
}

func (s *Server) setTTL(ctx context.Context, table, attr string, enabled bool) error {
	return s.call(ctx, "UpdateTimeToLive", map[string]any{
		"TableName":               table,
		"TimeToLiveSpecification": map[string]any{"AttributeName": attr, "Enabled": enabled},
	}, nil)
}

func (s *Server) waitActive(ctx context.Context, name string) error {
	for {
		d, err := s.describe(ctx, name)
		if err != nil {
			return err
		}
		if d.TableStatus == "ACTIVE" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("table %q stays %s: %w", name, d.TableStatus, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (s *Server) deleteTable(ctx context.Context, name string) error {
	err := s.call(ctx, "DeleteTable", map[string]string{"TableName": name}, nil)
	if isCode(err, "ResourceNotFoundException") {
		return nil
	}
	return err
}

func (s *Server) deleteAllTables(ctx context.Context) error {
	names, err := s.listTables(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.deleteTable(ctx, name); err != nil {
			return err
		}
	}
	return nil
}
