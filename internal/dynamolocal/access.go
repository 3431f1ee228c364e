package dynamolocal

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/stelvio-go/stelvio/internal/link"
)

// The listener enforces what each function's links allow, as the function's execution role does
// on AWS. Every function gets its own access key id (Grant); a request signed with it is checked
// against the function's identity-based policy, the statements its links grant when deployed
// (link.TableStatements), and refused as IAM refuses it
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html: "User: <arn>
// is not authorized to perform: <action> on resource: <arn> because no identity-based policy
// allows the <action> action"), an AccessDeniedException with status 400
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.MessagesAndCodes.http400).
// The actions and resources of each operation are those of the DynamoDB authorization reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
// A request signed with any other key (a developer's script, dev's own stream reader) or not
// signed at all has full access. Operations of the DynamoDB Streams protocol are not checked.

// Principal is a function as the local endpoint knows it.
type Principal struct {
	// ARN names the caller in a denial: the function's session of its execution role,
	// "arn:aws:sts::<account>:assumed-role/<role>/<function>".
	ARN string
	// Statements are the function's identity-based policy: what its links grant.
	Statements []link.Statement
}

// Grant registers the function p and returns the access key id that identifies it; the function's
// requests must be signed with it (AWS_ACCESS_KEY_ID). The id depends on p.ARN only, so a
// restarted dev hands the same one out; granting the same ARN again replaces its statements.
func (s *Server) Grant(p Principal) string {
	sum := sha256.Sum256([]byte(p.ARN))
	id := "ASIA" + base32.StdEncoding.EncodeToString(sum[:])[:16]
	s.grantMu.Lock()
	defer s.grantMu.Unlock()
	if s.principals == nil {
		s.principals = map[string]Principal{}
	}
	s.principals[id] = Principal{ARN: p.ARN, Statements: slices.Clone(p.Statements)}
	return id
}

// principalOf is the function that signed r, if it is one Grant registered.
func (s *Server) principalOf(r *http.Request) (Principal, bool) {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return Principal{}, false
	}
	id, _, _ := strings.Cut(cred, "/")
	s.grantMu.RLock()
	defer s.grantMu.RUnlock()
	p, ok := s.principals[id]
	return p, ok
}

// permission is one action on one resource that a request needs.
type permission struct{ action, resource string }

// tableARN is the ARN of a local table, as the engine writes it. DynamoDB also takes a table's
// ARN where its name goes.
func tableARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:aws:dynamodb:" + engineRegion + ":" + engineAccount + ":table/" + name
}

// engineAccount is the account id in the engine's ARNs.
const engineAccount = "000000000000"

type tableRef struct{ TableName string }

// permissions are what the DynamoDB operation op with this body needs, in the order DynamoDB
// would check them. A body that does not decode needs nothing: the engine rejects it.
func permissions(op string, body []byte) []permission {
	var req struct {
		TableName          string
		IndexName          string
		RequestItems       map[string]json.RawMessage
		TransactItems      []map[string]tableRef
		Statement          string
		Statements         []struct{ Statement string }
		TransactStatements []struct{ Statement string }
	}
	if json.Unmarshal(body, &req) != nil {
		return nil
	}
	on := func(action, table string) permission { return permission{"dynamodb:" + action, tableARN(table)} }
	var out []permission
	switch op {
	case "BatchGetItem", "BatchWriteItem":
		names := make([]string, 0, len(req.RequestItems))
		for name := range req.RequestItems {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			out = append(out, on(op, name))
		}
	case "TransactGetItems", "TransactWriteItems":
		actions := map[string]string{"Get": "GetItem", "Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
		for _, item := range req.TransactItems {
			for kind, ref := range item {
				if a, ok := actions[kind]; ok {
					out = append(out, on(a, ref.TableName))
				}
			}
		}
	case "ExecuteStatement":
		out = append(out, partiQL(req.Statement))
	case "BatchExecuteStatement":
		for _, st := range req.Statements {
			out = append(out, partiQL(st.Statement))
		}
	case "ExecuteTransaction":
		for _, st := range req.TransactStatements {
			out = append(out, partiQL(st.Statement))
		}
	default:
		switch {
		case req.IndexName != "" && (op == "Query" || op == "Scan"):
			out = append(out, permission{"dynamodb:" + op, tableARN(req.TableName) + "/index/" + req.IndexName})
		case req.TableName != "":
			out = append(out, on(op, req.TableName))
		default: // ListTables, DescribeLimits, ...: not on one table
			out = append(out, permission{"dynamodb:" + op, "*"})
		}
	}
	return out
}

// partiQLTable finds the verb and the table of a PartiQL statement.
var partiQLTable = regexp.MustCompile(`(?is)^\s*(?:(SELECT)\b.*?\bFROM|(INSERT)\s+INTO|(UPDATE)|(DELETE)\s+FROM)\s+(?:"([^"]+)"|([A-Za-z0-9_.-]+))`)

var partiQLIndex = regexp.MustCompile(`^\."([^"]+)"`)

// partiQL is the permission a PartiQL statement needs: dynamodb:PartiQLSelect, PartiQLInsert,
// PartiQLUpdate or PartiQLDelete on its table (or on its index, for "table"."index").
func partiQL(statement string) permission {
	m := partiQLTable.FindStringSubmatch(statement)
	if m == nil {
		return permission{"dynamodb:PartiQLSelect", "*"}
	}
	verb := strings.ToUpper(m[1] + m[2] + m[3] + m[4])
	name := m[5] + m[6]
	action := "dynamodb:PartiQL" + verb[:1] + strings.ToLower(verb[1:])
	rest := statement[len(m[0]):]
	if ix := partiQLIndex.FindStringSubmatch(rest); ix != nil {
		return permission{action, tableARN(name) + "/index/" + ix[1]}
	}
	return permission{action, tableARN(name)}
}

// allows reports whether the statements allow action on resource (Allow statements with "*"
// wildcards in actions and resources; the links write no Deny and no conditions).
func allows(statements []link.Statement, action, resource string) bool {
	for _, st := range statements {
		if st.Effect != "Allow" {
			continue
		}
		actionOK := slices.ContainsFunc(st.Action, func(a string) bool { return wildcard(strings.ToLower(a), strings.ToLower(action)) })
		if actionOK && slices.ContainsFunc(st.Resource, func(r string) bool { return wildcard(r, resource) }) {
			return true
		}
	}
	return false
}

// wildcard matches s against pattern, where "*" stands for any run of characters (IAM's rule
// for actions and resource ARNs) and "?" for any one.
func wildcard(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

// denial is the first permission p lacks for op, or false when p may do it.
func denial(p Principal, op string, body []byte) (permission, bool) {
	for _, need := range permissions(op, body) {
		if !allows(p.Statements, need.action, need.resource) {
			return need, true
		}
	}
	return permission{}, false
}

// writeAccessDenied answers as DynamoDB does when IAM refuses a request: the error type is the
// AWS-wide one (com.amazon.coral.service), its text in "Message".
func writeAccessDenied(w http.ResponseWriter, p Principal, need permission) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{
		"com.amazon.coral.service#AccessDeniedException",
		"User: " + p.ARN + " is not authorized to perform: " + need.action + " on resource: " + need.resource +
			" because no identity-based policy allows the " + need.action + " action",
	})
	writeRaw(w, http.StatusBadRequest, body)
}
