namespace ZeroCostDL4Mic.Engine.Errors;

/// <summary>A request field that failed validation; the server maps these to google.rpc.BadRequest.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>Base of the errors the gRPC layer maps to status codes; messages are shown to users as is.</summary>
public abstract class EngineException(string message) : Exception(message);

/// <summary>An unknown dataset, model, job or network (gRPC NOT_FOUND).</summary>
public sealed class NotFoundException(string what, string id)
    : EngineException($"{what} '{id}' not found")
{
    public string What { get; } = what;
    public string Id { get; } = id;
}

/// <summary>Bad input: wrong dtype, shape, parameter, name (gRPC INVALID_ARGUMENT).</summary>
public sealed class InvalidInputException : EngineException
{
    public InvalidInputException(string message, IReadOnlyList<FieldViolation>? violations = null) : base(message) =>
        Violations = violations ?? Array.Empty<FieldViolation>();

    public InvalidInputException(string field, string description) : this($"{field}: {description}", new[] { new FieldViolation(field, description) }) { }

    public IReadOnlyList<FieldViolation> Violations { get; }
}

/// <summary>The request is valid but the state forbids it, e.g. predicting with a model still training (gRPC FAILED_PRECONDITION).</summary>
public sealed class PreconditionFailedException(string message) : EngineException(message);

/// <summary>A configured limit was hit, e.g. image size (gRPC RESOURCE_EXHAUSTED).</summary>
public sealed class LimitExceededException(string message) : EngineException(message);

/// <summary>The caller may read the item but not change it: it belongs to another user (gRPC PERMISSION_DENIED).</summary>
public sealed class PermissionDeniedException(string message) : EngineException(message);
