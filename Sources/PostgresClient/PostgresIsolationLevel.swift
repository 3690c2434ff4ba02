/// The isolation level of a transaction ([PostgreSQL's manual, 13.2](https://www.postgresql.org/docs/15/transaction-iso.html)).
public enum PostgresIsolationLevel: String, Sendable {
    /// Each statement sees what was committed before it began (PostgreSQL's default).
    case readCommitted = "READ COMMITTED"
    /// Every statement sees one snapshot, taken at the transaction's first statement.
    case repeatableRead = "REPEATABLE READ"
    /// As if transactions ran one after another; a conflict fails one of them with SQLSTATE
    /// 40001, which ``PostgresError/isRetryable`` reports as worth retrying.
    case serializable = "SERIALIZABLE"
}
