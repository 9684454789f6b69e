package schema

import (
	"bytes"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	_ "github.com/soulc/soulc/internal/golden" // defines -update for `go test ./... -update`
)

func TestSchemasCompile(t *testing.T) {
	for url, doc := range map[string][]byte{CasesURL: Cases(), ModelReplyURL: ModelReply()} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(url, v); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Compile(url); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
}
