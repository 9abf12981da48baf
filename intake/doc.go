// Package intake is the complaint intake and mediation domain of laborbot:
// the guided interview a worker goes through to file a complaint, the
// tickets it becomes, the states a ticket passes through on its way from
// the worker to a trade-union mediator and on to an outcome, who may do
// what to a ticket, the audit trail, statistics, export, and the erasure of
// a worker's personal data.
//
// The package knows nothing of Telegram or of any database. A chat flow
// drives an Interview (Prompt, Answer, Press, AddEvidence) and saves it as
// opaque chat state; a Service runs every ticket operation against a Store
// (implemented by packages bolt and redis, checked by storetest's
// TestIntakeStore) and checks on the server side, for every call, that
// the acting user may do it.
//
// Personal data (the worker's name, phone, description, demands and
// preferred contact time) is sealed with a Sealer before it reaches the
// Store; with DATA_KEY set that is AES-256-GCM, otherwise a no-op.
package intake
