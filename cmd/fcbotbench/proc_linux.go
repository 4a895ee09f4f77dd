package main

import (
	"os/exec"
	"syscall"
)

// orphanProof has the child stopped when the bench dies without stopping
// it (killed, or a broken pipe on its output).
func orphanProof(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
