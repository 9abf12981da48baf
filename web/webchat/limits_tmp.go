package webchat

// MaxFileSize is the largest file a worker can upload (10 MiB, as for
// evidence downloaded from Telegram).
const MaxFileSize = 10 << 20
