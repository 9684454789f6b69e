// Package schema holds the JSON Schema of soulc's eval case files
// (evals/<slug>.yaml), embedded so the binary and the repo never disagree.
//
// It must not import anything outside the standard library.
package schema

import _ "embed"

//go:embed cases.schema.json
var cases []byte

// CasesURL is the schema's $id, the URL to register it under.
const CasesURL = "https://github.com/soulc/soulc/evals/schema/cases.schema.json"

// Cases returns a copy of the case-file JSON Schema (draft 2020-12).
func Cases() []byte { return append([]byte(nil), cases...) }

//go:embed model_reply.schema.json
var modelReply []byte

// ModelReplyURL is the $id of the schema a model's reply must satisfy.
const ModelReplyURL = "https://github.com/soulc/soulc/evals/schema/model_reply.schema.json"

// ModelReply returns a copy of the JSON Schema for one model-extracted
// scenario (sent as the structured-output schema and checked on the reply).
func ModelReply() []byte { return append([]byte(nil), modelReply...) }
