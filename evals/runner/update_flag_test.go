package runner

// Every test binary must accept -update (go test ./... -update).
import _ "github.com/soulc/soulc/internal/golden"
