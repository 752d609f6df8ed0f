using System.Text.RegularExpressions;
using VideoLab.Models;

namespace VideoLab.Tests.Models;

/// <summary>
/// Checkpoints store parameters by name, so names are part of the file format: every registered model's
/// state-dict keys must be plain dotted identifiers. This catches a submodule kept in an auto-property, which
/// TorchSharp registers under its compiler-generated field name (<c>&lt;Name&gt;k__BackingField</c>).
/// </summary>
public class ParameterNameTests
{
    public static TheoryData<string> Models => [.. ModelRegistry.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_parameter_and_buffer_has_a_plain_dotted_name(string name)
    {
        var entry = ModelRegistry.Get(name);
        using var model = entry.Build(entry.TinyConfig);
        var names = model.state_dict().Keys.ToList();
        Assert.NotEmpty(names);
        var odd = names.Where(n => !Regex.IsMatch(n, @"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")).ToList();
        Assert.True(odd.Count == 0, $"{name}: parameter names that are not plain identifiers: {string.Join(", ", odd.Take(5))}");
    }
}
