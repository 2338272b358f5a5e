using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Api;

/// <summary>
/// Who makes a request: the user behind the access token, or <see cref="Local"/> on a server without tokens.
/// New datasets, models and jobs belong to their caller; only the owner or an admin may change or remove them.
/// </summary>
public sealed record Caller(string Name, bool IsAdmin)
{
    /// <summary>Everyone on a server without access tokens: may do anything, as before owners existed.</summary>
    public static readonly Caller Local = new(DataStore.DefaultOwner, IsAdmin: true);

    public bool MayChange(string owner) => IsAdmin || string.Equals(Name, owner, StringComparison.Ordinal);

    /// <summary>Throws PermissionDeniedException naming the owner unless the caller may change the item.</summary>
    /// <param name="what">The item as users call it, e.g. "dataset 'ds_1' (nuclei)".</param>
    /// <param name="action">What the caller tried, e.g. "delete".</param>
    public void RequireMayChange(string owner, string what, string action)
    {
        if (!MayChange(owner))
            throw new PermissionDeniedException($"{what} belongs to {owner}; only {owner} or an admin can {action} it (you are {Name})");
    }
}
