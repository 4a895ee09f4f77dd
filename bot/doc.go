// Package bot is fcbot's platform-neutral core: the command tree that every
// adapter registers from, the request and reply models, the router with its
// middleware (recovery, logging, permission, timeout), the gate that bounds
// the commands in flight and answers the excess busy, the one place where
// errors become user-facing sentences, the message catalog, and the ports
// (Adapter, Sender, Clock) that platform packages implement.
//
// Nothing here imports a chat SDK or the database layer.
package bot
