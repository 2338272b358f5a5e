using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage;

/// <summary>
/// The server's persistent state: metadata rows in <c>&lt;data&gt;/metadata.db</c> (SQLite, WAL) and files under the
/// data directory. Thread-safe: each call opens a pooled connection; writes are serialised in-process and use
/// immediate transactions, with a busy timeout for other processes.
/// Files are written before the rows that point to them and deleted after, so a crash can leave an orphan file
/// but never a row pointing to a missing file.
/// </summary>
public sealed partial class DataStore : IDisposable
{
    public const string DatabaseFileName = "metadata.db";

    /// <summary>
    /// The owner of everything on a server without access tokens, and of rows written before owners were recorded.
    /// </summary>
    public const string DefaultOwner = "local";
    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly string _connectionString;
    private readonly ScratchArea _scratch;
    private readonly Lock _writeGate = new();
    private bool _disposed;

    /// <summary>Opens (creating if needed) the data directory, applies schema migrations and removes scratch files left by crashed processes.</summary>
    public DataStore(string dataDirectory)
        : this(dataDirectory, SchemaMigrations.All)
    {
    }

    internal DataStore(string dataDirectory, IReadOnlyList<Migration> migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(Path.Combine(DataDirectory, DatasetsFolder));
        Directory.CreateDirectory(Path.Combine(DataDirectory, ModelsFolder));
        _scratch = new ScratchArea(Path.Combine(DataDirectory, "tmp"));
        try
        {
            Files = new FileStore(DataDirectory, _scratch);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(DataDirectory, DatabaseFileName),
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            }.ToString();
            using var connection = Open();
            Sql.Scalar(connection, null, "PRAGMA journal_mode = WAL");
            lock (_writeGate)
                SchemaVersion = SchemaMigrations.Apply(connection, migrations);
        }
        catch
        {
            _scratch.Dispose();
            throw;
        }
    }

    public const string DatasetsFolder = "datasets";
    public const string ModelsFolder = "models";

    /// <summary>Absolute path of the data directory.</summary>
    public string DataDirectory { get; }

    public FileStore Files { get; }

    /// <summary>The schema version of metadata.db after migrations.</summary>
    public int SchemaVersion { get; }

    /// <summary>Relative folder holding a dataset's files: <c>datasets/&lt;id&gt;</c>.</summary>
    public static string DatasetDirectory(string datasetId) => $"{DatasetsFolder}/{SafeNames.Validate(datasetId, "dataset id")}";

    /// <summary>Relative folder holding a model's files: <c>models/&lt;id&gt;</c>.</summary>
    public static string ModelDirectory(string modelId) => $"{ModelsFolder}/{SafeNames.Validate(modelId, "model id")}";

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using (var connection = new SqliteConnection(_connectionString))
            SqliteConnection.ClearPool(connection);
        _scratch.Dispose();
    }

    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // Per-connection settings; FULL makes a commit durable before we delete the files it stops referring to.
            Sql.Execute(connection, null,
                $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private T Read<T>(Func<SqliteConnection, T> query)
    {
        using var connection = Open();
        return query(connection);
    }

    /// <summary>Runs <paramref name="change"/> in an immediate transaction, one writer at a time in this process.</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> change)
    {
        lock (_writeGate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = change(connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    /// <summary>The WHERE clause of the list queries: every row when $owner is NULL, else that owner's rows.</summary>
    private const string OwnerFilter = "($owner IS NULL OR owner = $owner)";

    private static string Required(string? value, string what) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{what} must not be empty", what) : value;
}
