// Package todo reads, updates and deletes todos with aws-sdk-go-v2, on the table linked as "todos".
package todo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stelvio-go/stelvio/link"
)

// Todo is one todo item.
type Todo struct {
	// ID is the table's partition key.
	ID string `json:"id"`
	// Owner is the partition key of the by-owner index.
	Owner string `json:"owner"`
	// Title is what is to be done.
	Title string `json:"title"`
	// Done tells whether it is done.
	Done bool `json:"done"`
	// Created is when the todo was created, in Unix seconds (the by-owner index's sort key).
	Created int64 `json:"created"`
}

var (
	once   sync.Once
	client *dynamodb.Client
	table  string
	setup  error
)

// db is the DynamoDB client and the linked table's name, made once per process.
func db(ctx context.Context) (*dynamodb.Client, string, error) {
	once.Do(func() {
		t, err := link.Table("todos")
		if err != nil {
			setup = err
			return
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			setup = err
			return
		}
		client, table = dynamodb.NewFromConfig(cfg), t.Name
	})
	return client, table, setup
}

func reply(status int, body any) (events.APIGatewayProxyResponse, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, nil
}

func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: id}}
}

// Get answers one todo.
func Get(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	c, name, err := db(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: key(req.PathParameters["id"])})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if out.Item == nil {
		return reply(http.StatusNotFound, map[string]string{"error": "no todo " + req.PathParameters["id"]})
	}
	return reply(http.StatusOK, todoOf(out.Item))
}

// ByOwner lists the attributes an index of the table holds for an owner's todos (its projection):
// the index is ?index=, by-owner (every attribute) when not given.
func ByOwner(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	c, name, err := db(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	index := req.QueryStringParameters["index"]
	if index == "" {
		index = "by-owner"
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(name),
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String("#o = :o"),
		ExpressionAttributeNames:  map[string]string{"#o": "owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": &types.AttributeValueMemberS{Value: req.PathParameters["owner"]}},
	})
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	attributes := [][]string{}
	for _, item := range out.Items {
		names := make([]string, 0, len(item))
		for n := range item {
			names = append(names, n)
		}
		sort.Strings(names)
		attributes = append(attributes, names)
	}
	return reply(http.StatusOK, map[string]any{"index": index, "attributes": attributes})
}

// Update changes a todo's title or done flag; a todo that does not exist is not created.
func Update(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	c, name, err := db(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	var patch struct {
		Title *string `json:"title"`
		Done  *bool   `json:"done"`
	}
	if err := json.Unmarshal([]byte(req.Body), &patch); err != nil {
		return reply(http.StatusBadRequest, map[string]string{"error": "the body is not a JSON object"})
	}
	var sets []string
	values := map[string]types.AttributeValue{}
	if patch.Title != nil {
		sets = append(sets, "title = :title")
		values[":title"] = &types.AttributeValueMemberS{Value: *patch.Title}
	}
	if patch.Done != nil {
		sets = append(sets, "done = :done")
		values[":done"] = &types.AttributeValueMemberBOOL{Value: *patch.Done}
	}
	if len(sets) == 0 {
		return reply(http.StatusBadRequest, map[string]string{"error": "give a title or done"})
	}
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(name),
		Key:                       key(req.PathParameters["id"]),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String("attribute_exists(id)"),
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllNew,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return reply(http.StatusNotFound, map[string]string{"error": "no todo " + req.PathParameters["id"], "code": failed.ErrorCode()})
	}
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return reply(http.StatusOK, todoOf(out.Attributes))
}

// Delete removes a todo.
func Delete(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	c, name, err := db(ctx)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(name), Key: key(req.PathParameters["id"])}); err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	return events.APIGatewayProxyResponse{StatusCode: http.StatusNoContent}, nil
}

// todoOf reads a todo from its item.
func todoOf(item map[string]types.AttributeValue) Todo {
	var t Todo
	if v, ok := item["id"].(*types.AttributeValueMemberS); ok {
		t.ID = v.Value
	}
	if v, ok := item["owner"].(*types.AttributeValueMemberS); ok {
		t.Owner = v.Value
	}
	if v, ok := item["title"].(*types.AttributeValueMemberS); ok {
		t.Title = v.Value
	}
	if v, ok := item["done"].(*types.AttributeValueMemberBOOL); ok {
		t.Done = v.Value
	}
	if v, ok := item["created"].(*types.AttributeValueMemberN); ok {
		t.Created, _ = strconv.ParseInt(v.Value, 10, 64) // the number was written by create, an integer
	}
	return t
}
