using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage;

/// <summary>The metadata schema as an ordered list of migrations, applied once each and recorded in <c>schema_version</c>.</summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "datasets, samples, models, jobs, job events", """
            CREATE TABLE datasets (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                kind        TEXT NOT NULL,
                created_at  TEXT NOT NULL
            );
            CREATE TABLE samples (
                dataset_id    TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                name          TEXT NOT NULL,
                role          TEXT NOT NULL,
                relative_path TEXT NOT NULL,
                sha256        TEXT NOT NULL,
                size_bytes    INTEGER NOT NULL,
                pixel_type    TEXT NOT NULL,
                axes          TEXT NOT NULL,
                shape_json    TEXT NOT NULL,
                min           REAL NOT NULL,
                max           REAL NOT NULL,
                mean          REAL NOT NULL,
                std           REAL NOT NULL,
                PRIMARY KEY (dataset_id, name, role)
            );
            CREATE TABLE models (
                id              TEXT PRIMARY KEY,
                name            TEXT NOT NULL,
                network         TEXT NOT NULL,
                config_json     TEXT NOT NULL,
                dataset_id      TEXT NOT NULL,
                base_model_id   TEXT,
                training_job_id TEXT,
                created_at      TEXT NOT NULL,
                ready           INTEGER NOT NULL,
                history_json    TEXT NOT NULL,
                qc_json         TEXT NOT NULL
            );
            CREATE TABLE jobs (
                id           TEXT PRIMARY KEY,
                kind         TEXT NOT NULL,
                state        TEXT NOT NULL,
                network      TEXT,
                dataset_id   TEXT,
                model_id     TEXT,
                request_json TEXT NOT NULL,
                created_at   TEXT NOT NULL,
                started_at   TEXT,
                finished_at  TEXT,
                epoch        INTEGER NOT NULL,
                epochs       INTEGER NOT NULL,
                loss         REAL NOT NULL,
                val_loss     REAL NOT NULL,
                message      TEXT NOT NULL,
                owner        TEXT
            );
            CREATE INDEX jobs_by_state ON jobs (state, created_at);
            CREATE INDEX jobs_by_created ON jobs (created_at);
            CREATE TABLE job_events (
                job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                sequence     INTEGER NOT NULL,
                time         TEXT NOT NULL,
                type         TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                PRIMARY KEY (job_id, sequence)
            );
            """),
        // Rows written before owners were recorded belong to the user of a server without access tokens.
        new(2, "owners of datasets, models and jobs", $"""
            ALTER TABLE datasets ADD COLUMN owner TEXT NOT NULL DEFAULT '{DataStore.DefaultOwner}';
            ALTER TABLE models ADD COLUMN owner TEXT NOT NULL DEFAULT '{DataStore.DefaultOwner}';
            UPDATE jobs SET owner = '{DataStore.DefaultOwner}' WHERE owner IS NULL;
            CREATE INDEX datasets_by_owner ON datasets (owner);
            CREATE INDEX models_by_owner ON models (owner);
            CREATE INDEX jobs_by_owner ON jobs (owner);
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies the missing migrations in one immediate transaction; returns the resulting version.</summary>
    public static int Apply(SqliteConnection connection, IReadOnlyList<Migration> migrations)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Sql.Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            )
            """);
        var current = Convert.ToInt32(Sql.Scalar(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (current > latest)
            throw new InvalidOperationException(
                $"metadata.db has schema version {current}, newer than this server understands ({latest}); upgrade the server");
        foreach (var migration in migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            Sql.Execute(connection, transaction, migration.Sql);
            Sql.Execute(connection, transaction,
                "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $t)",
                ("$v", migration.Version), ("$d", migration.Description), ("$t", Timestamps.ToText(DateTimeOffset.UtcNow)));
            current = migration.Version;
        }
        transaction.Commit();
        return current;
    }
}
