using System.Net;
using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

public class UpstreamSpecTests
{
    [Fact]
    public void A_copy_made_with_another_port_has_the_key_of_that_port()
    {
        var spec = new UpstreamSpec("127.0.0.1:1", UpstreamKind.Address, "127.0.0.1", 1, 0, IPAddress.Loopback);

        Assert.Equal("127.0.0.1:2", (spec with { Port = 2 }).Key);
    }

    [Fact]
    public void A_copy_made_with_another_host_has_the_key_of_that_host()
    {
        var spec = new UpstreamSpec("a.example:1", UpstreamKind.Name, "a.example", 1, 0);

        Assert.Equal("b.example:1", (spec with { Host = "B.example" }).Key);
    }
}
