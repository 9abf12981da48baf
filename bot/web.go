package bot

import "strings"

// WebIDBase is where the ids of web-chat workers start. Telegram user ids
// fit in 52 bits and its group ids are negative, so ids from 1<<60 up can
// never be a Telegram chat: the messenger that reaches a worker (relayed
// messages, ticket changes, reminders) routes by IsWebID.
const WebIDBase int64 = 1 << 60

// IsWebID reports whether id (a user or chat id) belongs to the web chat.
func IsWebID(id int64) bool { return id >= WebIDBase }

// WebFilePrefix starts the ids of files uploaded in the web chat: they have
// no Telegram file id, so the web chat keeps their bytes and names them
// itself ("web:…").
const WebFilePrefix = "web:"

// IsWebFile reports whether fileID names a file uploaded in the web chat.
func IsWebFile(fileID string) bool { return strings.HasPrefix(fileID, WebFilePrefix) }
