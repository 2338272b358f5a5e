using System.CommandLine;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>Options that several verbs share, built the same way everywhere.</summary>
public static class SharedOptions
{
    public static Option<string> Weights(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => "best", HelpName = "best|last" };
        option.AcceptOnlyFromAmong("best", "last");
        return option;
    }

    public static WeightsChoice ToWeights(string? value) => value switch
    {
        "last" => WeightsChoice.Last,
        _ => WeightsChoice.Best,
    };

    public static Option<string> Required(string name, string description, string helpName) =>
        new(name) { Description = description, Required = true, HelpName = helpName };

    /// <summary>--mine and --owner USER of the list verbs; on a server without tokens everything is the user "local".</summary>
    public static (Option<bool> Mine, Option<string> Owner) OwnerFilter(string items) =>
        (new Option<bool>("--mine") { Description = $"Only your own {items} (those of the user your --token belongs to)" },
         new Option<string>("--owner") { Description = $"Only the {items} of this user", HelpName = "USER" });

    public static Argument<string> Id(string name, string description) => new(name) { Description = description };

    /// <summary>An int option that must be at least <paramref name="minimum"/> (a usage error otherwise).</summary>
    public static Option<int> AtLeast(string name, string description, int minimum, int defaultValue, string helpName = "N")
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < minimum) result.AddError($"{name} must be at least {minimum} (got {value})");
        });
        return option;
    }
}
