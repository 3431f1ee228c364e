package devserver_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/stelvio-go/stelvio/internal/devserver"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameJSON compares two JSON documents as values.
func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("event\n%s\nwant\n%s", got, want)
	}
}

// TestStreamEventSample checks the event made from a stream record against aws-lambda-go's sample
// DynamoDB event (testdata/streams/dynamodb-event.json is the first record of its
// events/testdata/dynamodb-event.json), whose shape is the one Lambda documents at
// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-event.
func TestStreamEventSample(t *testing.T) {
	want, err := os.ReadFile("testdata/streams/dynamodb-event.json")
	if err != nil {
		t.Fatal(err)
	}
	rec := st.Record{
		EventID:      aws.String("f07f8ca4b0b26cb9c4e5e77e69f274ee"),
		EventName:    st.OperationTypeInsert,
		EventVersion: aws.String("1.1"),
		EventSource:  aws.String("aws:dynamodb"),
		AwsRegion:    aws.String("us-east-1"),
		UserIdentity: &st.Identity{Type: aws.String("Service"), PrincipalId: aws.String("dynamodb.amazonaws.com")},
		Dynamodb: &st.StreamRecord{
			// Lambda gives whole seconds; the stream's fraction is dropped.
			ApproximateCreationDateTime: aws.Time(time.Unix(1480642020, 250_000_000)),
			Keys: map[string]st.AttributeValue{
				"val": &st.AttributeValueMemberS{Value: "data"},
				"key": &st.AttributeValueMemberS{Value: "binary"},
			},
			NewImage: map[string]st.AttributeValue{
				"val":   &st.AttributeValueMemberS{Value: "data"},
				"asdf1": &st.AttributeValueMemberB{Value: b64(t, "AAEqQQ==")},
				"asdf2": &st.AttributeValueMemberBS{Value: [][]byte{b64(t, "AAEqQQ=="), b64(t, "QSoBAA==")}},
				"key":   &st.AttributeValueMemberS{Value: "binary"},
			},
			SequenceNumber: aws.String("1405400000000002063282832"),
			SizeBytes:      aws.Int64(54),
			StreamViewType: st.StreamViewTypeNewAndOldImages,
		},
	}
	got, err := json.Marshal(devserver.StreamEvent([]st.Record{rec},
		"arn:aws:dynamodb:us-east-1:123456789012:table/Example-Table/stream/2016-12-01T00:00:00.000", "eu-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, want)
}

// TestStreamEventTypes checks every attribute type, the old image of a REMOVE, and the fields a local
// stream may leave out (region, source, version), which get Lambda's values.
func TestStreamEventTypes(t *testing.T) {
	rec := st.Record{
		EventID:   aws.String("e1"),
		EventName: st.OperationTypeRemove,
		Dynamodb: &st.StreamRecord{
			ApproximateCreationDateTime: aws.Time(time.Unix(1700000000, 0)),
			Keys:                        map[string]st.AttributeValue{"id": &st.AttributeValueMemberS{Value: "1"}},
			OldImage: map[string]st.AttributeValue{
				"id":   &st.AttributeValueMemberS{Value: "1"},
				"n":    &st.AttributeValueMemberN{Value: "3.5"},
				"ok":   &st.AttributeValueMemberBOOL{Value: true},
				"none": &st.AttributeValueMemberNULL{Value: true},
				"ss":   &st.AttributeValueMemberSS{Value: []string{"a", "b"}},
				"ns":   &st.AttributeValueMemberNS{Value: []string{"1", "2"}},
				"l":    &st.AttributeValueMemberL{Value: []st.AttributeValue{&st.AttributeValueMemberS{Value: "x"}, &st.AttributeValueMemberN{Value: "7"}}},
				"m":    &st.AttributeValueMemberM{Value: map[string]st.AttributeValue{"k": &st.AttributeValueMemberS{Value: "v"}}},
			},
			SequenceNumber: aws.String("100"),
			SizeBytes:      aws.Int64(20),
			StreamViewType: st.StreamViewTypeOldImage,
		},
	}
	got, err := json.Marshal(devserver.StreamEvent([]st.Record{rec}, "arn:aws:dynamodb:eu-west-1:000000000000:table/t/stream/x", "eu-west-1"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Records":[{"eventID":"e1","eventName":"REMOVE","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"eu-west-1",
		"eventSourceARN":"arn:aws:dynamodb:eu-west-1:000000000000:table/t/stream/x",
		"dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"id":{"S":"1"}},"OldImage":{"id":{"S":"1"},"n":{"N":"3.5"},"ok":{"BOOL":true},"none":{"NULL":true},
		"ss":{"SS":["a","b"]},"ns":{"NS":["1","2"]},"l":{"L":[{"S":"x"},{"N":"7"}]},"m":{"M":{"k":{"S":"v"}}}},
		"SequenceNumber":"100","SizeBytes":20,"StreamViewType":"OLD_IMAGE"}}]}`
	sameJSON(t, got, []byte(want))
}
