package main

import (
	"io"
	"os"
)

const (
	colorRed    = "31"
	colorYellow = "33"
	colorCyan   = "36"
	colorBold   = "1"
)

// colorOn reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org: any non-empty value disables colour).
func (e *env) colorOn(w io.Writer) bool {
	if e.getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (e *env) style(s, code string) string {
	if !e.colorOn(e.stderr) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (e *env) styleOut(s, code string) string {
	if !e.colorOn(e.stdout) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
