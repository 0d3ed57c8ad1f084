using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// What <c>dotnet pack ActorTcp.sln</c> produces: one package per library and the <c>actortcp</c> tool, each with its
/// metadata, and a tool that installs from the folder and runs a script as the built executable does. Packs what this
/// test run built (<c>--no-build</c>: a few seconds, offline).
/// </summary>
public sealed class PackagingTests(PackedSolution packed) : IClassFixture<PackedSolution>
{
    private static readonly string[] Libraries =
        ["ActorTcp.Actors", "ActorTcp.Cluster", "ActorTcp.Cluster.Hosting", "ActorTcp.Hosting", "ActorTcp.LuaApi", "ActorTcp.TestKit"];

    [Fact]
    public void Each_library_and_the_tool_is_a_package_and_tests_and_benchmarks_are_not()
    {
        Assert.Equal([.. Libraries, "actortcp"], packed.Ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_package_has_a_description_the_licence_the_readme_and_the_repository()
    {
        foreach (var id in packed.Ids)
        {
            var meta = packed.Metadata(id);
            Assert.Equal(id, Value(meta, "id"));
            Assert.Equal("ActorTcp contributors", Value(meta, "authors"));
            Assert.Equal("MIT", Value(meta, "license"));
            Assert.Equal("README.md", Value(meta, "readme"));
            Assert.Contains("README.md", packed.Entries(id));
            Assert.False(string.IsNullOrWhiteSpace(Value(meta, "description")), id);
            Assert.StartsWith("https://", meta.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")?.Value);
        }
        Assert.Single(packed.Ids.Select(id => Value(packed.Metadata(id), "version")).Distinct());
        Assert.Equal(packed.Ids.Count, packed.Ids.Select(id => Value(packed.Metadata(id), "description")).Distinct().Count());
    }

    [Fact]
    public void A_single_node_host_takes_ActorTcp_Hosting_without_the_executable_or_the_cluster()
    {
        var hosting = packed.Dependencies("ActorTcp.Hosting");
        Assert.Contains("ActorTcp.LuaApi", hosting);
        Assert.Contains("Akka.Hosting", hosting);
        Assert.DoesNotContain(hosting, d => d.StartsWith("ActorTcp.Cluster", StringComparison.Ordinal) || d == "actortcp" || d.StartsWith("Akka.Cluster", StringComparison.Ordinal));

        var cluster = packed.Dependencies("ActorTcp.Cluster.Hosting");
        Assert.Contains("ActorTcp.Hosting", cluster);
        Assert.Contains("ActorTcp.Cluster", cluster);
        Assert.Contains("Akka.Cluster.Hosting", cluster);
    }

    [Fact]
    public void The_tool_package_carries_what_actortcp_needs_at_run_time_and_no_examples()
    {
        var type = packed.Metadata("actortcp").Descendants().Single(e => e.Name.LocalName == "packageType");
        Assert.Equal("DotnetTool", type.Attribute("name")?.Value);

        var entries = packed.Entries("actortcp");
        const string Tool = "tools/net10.0/any/";
        Assert.Contains(Tool + "actortcp.dll", entries);
        Assert.Contains(Tool + "DotnetToolSettings.xml", entries);
        // HOCON.conf and the Lua wrappers travel inside these assemblies (embedded resources).
        Assert.Contains(Tool + "ActorTcp.Actors.dll", entries);
        Assert.Contains(Tool + "ActorTcp.LuaApi.dll", entries);
        // KeraLua's native Lua, which LuaApi binds directly.
        Assert.Contains(Tool + "runtimes/linux-x64/native/liblua54.so", entries);
        Assert.DoesNotContain(entries, e => e.Contains("examples/", StringComparison.Ordinal) || e.EndsWith(".lua", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_installed_tool_runs_a_script_as_the_built_executable_does()
    {
        var tools = Path.Combine(packed.Folder, "tool");
        var install = await ActortcpProcess.RunProgramAsync(ActortcpProcess.DotnetHost(),
            ["tool", "install", "--tool-path", tools, "--configfile", packed.NuGetConfig, "actortcp"],
            PackedSolution.Timeout, packed.Folder, PackedSolution.ChildEnvironment);
        Assert.True(install.ExitCode == 0, install.ToString());

        string[] args = ["run", "--fixtures", "examples/smtp_dialogue.lua"];
        var tool = await ActortcpProcess.RunProgramAsync(Path.Combine(tools, "actortcp"), args, environment: PackedSolution.ChildEnvironment);
        var built = await ActortcpProcess.RunAsync(args);

        Assert.True(tool.ExitCode == 0, tool.ToString());
        Assert.Equal(built.Stdout, tool.Stdout);
        Assert.Contains("dialogue done", tool.Stdout);
    }

    private static string? Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
}

/// <summary>The solution packed once into a fresh temp folder (with a nuget.config naming only it), deleted afterwards.</summary>
public sealed class PackedSolution : IAsyncLifetime
{
    /// <summary>Bound of a dotnet pack or tool install (a few seconds alone, longer beside other tests).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The children's environment: the tool's launcher finds the dotnet that runs the tests.</summary>
    public static IReadOnlyDictionary<string, string?> ChildEnvironment { get; } =
        new Dictionary<string, string?> { ["DOTNET_ROOT"] = Path.GetDirectoryName(ResolveDotnet()) };

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly Dictionary<string, string> _packages = [];

    /// <summary>The temp folder: <c>packages/</c>, <c>nuget.config</c>, then <c>tool/</c>.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "actortcp-tests", "pack-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A nuget.config whose only source is the packed folder (so an install asks no registry).</summary>
    public string NuGetConfig => Path.Combine(Folder, "nuget.config");

    /// <summary>The package ids, as packed.</summary>
    public IReadOnlyCollection<string> Ids => _packages.Keys;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var output = Path.Combine(Folder, "packages");
        Directory.CreateDirectory(Folder);
        // Nuspecs and the tool's publish folder go to the temp folder too: the repository's bin/ and obj/ stay as built.
        var pack = await ActortcpProcess.RunProgramAsync(ActortcpProcess.DotnetHost(),
            ["pack", Path.Combine(ActortcpProcess.RepositoryRoot, "ActorTcp.sln"), "--no-build", "-c", Configuration, "-o", output,
                "--disable-build-servers", $"-p:NuspecOutputPath={Path.Combine(Folder, "nuspec")}/", $"-p:PublishDir={Path.Combine(Folder, "publish")}/"],
            Timeout, Folder, ChildEnvironment);
        if (pack.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed: " + pack);

        foreach (var file in Directory.GetFiles(output, "*.nupkg"))
        {
            using var zip = ZipFile.OpenRead(file);
            var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            _packages[Path.GetFileNameWithoutExtension(nuspec.FullName)] = file;
        }
        await File.WriteAllTextAsync(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{output}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <inheritdoc/>
    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
        return Task.CompletedTask;
    }

    /// <summary>The file names in package <paramref name="id"/>.</summary>
    public IReadOnlyList<string> Entries(string id)
    {
        using var zip = ZipFile.OpenRead(_packages[id]);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    /// <summary>The <c>metadata</c> element of package <paramref name="id"/>'s nuspec.</summary>
    public XElement Metadata(string id)
    {
        using var zip = ZipFile.OpenRead(_packages[id]);
        using var stream = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>The ids package <paramref name="id"/> depends on.</summary>
    public IReadOnlyList<string> Dependencies(string id) =>
        [.. Metadata(id).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value)];

    // The dotnet executable itself, through its symbolic links (/usr/bin/dotnet is one), whose folder is DOTNET_ROOT.
    private static string ResolveDotnet()
    {
        var host = ActortcpProcess.DotnetHost();
        if (!Path.IsPathRooted(host))
            host = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, host)).First(File.Exists);
        return new FileInfo(host).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host;
    }
}
