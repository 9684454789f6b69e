// Package templates holds the default prompt layouts (markdown, xml, terse,
// plain) as text/template files embedded in the binary, and loads a user's
// template file or folder over them.
//
// A template receives render.Data (see compiler/render): the SOUL's title,
// the target's required preamble, and the kept sections, each with its
// items already degraded by the fitter. It decides framing and structure;
// it must keep the SOUL's own words.
//
// It must not import compiler/, targets/, evals/ or cobra.
package templates
