using System.Text;
using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi.Modules;
using Xunit;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.Tests.Lua.Units;

/// <summary><see cref="TcpRequestParser"/> on request tables built by Lua, without a connection behind them.</summary>
public class TcpRequestParserTests
{
    /// <summary>Evaluates the Lua expression <paramref name="table"/> and parses the table it gives.</summary>
    private static ParsedRequest Parse(string table)
    {
        using var lua = new LuaTestRuntime();
        var L = lua.Runtime.L;
        Assert.Null(lua.Runtime.Load(Encoding.UTF8.GetBytes("return " + table), "request"));
        Assert.Equal(LUA_OK, lua_pcallk(L, 0, 1, 0, IntPtr.Zero, IntPtr.Zero));
        var top = lua_gettop(L);
        var parsed = TcpRequestParser.Parse(L, top);
        Assert.Equal(top, lua_gettop(L)); // the parser leaves the stack as it found it
        lua_settop(L, 0);
        return parsed;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.Latin1.GetString(bytes.Span);

    [Fact]
    public void A_table_with_every_field_gives_each_of_them()
    {
        var parsed = Parse("""
            { host = 'example.org', port = 2525, callback = function() end, data = {'he', rspamd_text.fromstring('llo')},
              stop_pattern = '\r\n', partial = true, shutdown = true, read = false, timeout = 2.5, connect_timeout = 1,
              read_timeout = 3, write_timeout = 4, ssl = true, ssl_noverify = true }
            """);

        Assert.Null(parsed.Error);
        Assert.Null(parsed.Failure);
        Assert.Equal("example.org", parsed.Host);
        Assert.Equal(2525, parsed.Port);
        Assert.True(parsed.PortGiven);
        Assert.False(parsed.Upstream);
        Assert.Equal("hello", string.Concat(parsed.Data!.Select(Text)));
        Assert.Equal("\r\n", Text(parsed.StopPattern));
        Assert.True(parsed.Partial);
        Assert.True(parsed.Shutdown);
        Assert.False(parsed.Read);
        Assert.Equal(new ConnectionTimeouts(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3),
            TimeSpan.FromSeconds(4)), parsed.Timeouts);
        Assert.True(parsed.Ssl);
        Assert.True(parsed.SslNoVerify);
    }

    [Fact]
    public void A_table_with_only_host_and_callback_gets_the_defaults()
    {
        var parsed = Parse("{ host = 'localhost', callback = function() end }");

        Assert.Null(parsed.Error);
        Assert.Null(parsed.Failure);
        Assert.Equal("localhost", parsed.Host);
        Assert.Equal(0, parsed.Port);
        Assert.False(parsed.PortGiven);
        Assert.Null(parsed.Data);
        Assert.True(parsed.StopPattern.IsEmpty);
        Assert.False(parsed.Partial);
        Assert.False(parsed.Shutdown);
        Assert.True(parsed.Read);
        Assert.Equal(ConnectionTimeouts.Default, parsed.Timeouts);
        Assert.False(parsed.Ssl);
        Assert.False(parsed.SslNoVerify);
    }

    [Fact]
    public void Without_a_callback_the_request_fails_without_raising()
    {
        var parsed = Parse("{ host = 'localhost', callback = 'not a function' }");

        Assert.Null(parsed.Error);
        Assert.Equal("tcp request has bad params", parsed.Failure);
    }

    [Theory]
    [InlineData("{ callback = function() end }", "tcp request has bad params: host (string expected, got nil)")]
    [InlineData("{ host = '', callback = function() end }", "tcp request has bad params: host (string expected, got empty string)")]
    [InlineData("{ host = true, callback = function() end }", "tcp request has bad params: host (string expected, got boolean)")]
    public void A_missing_empty_or_non_string_host_is_an_error_naming_the_field(string table, string error)
    {
        Assert.Equal(error, Parse(table).Error);
    }

    [Fact]
    public void A_numeric_host_is_converted_to_text()
    {
        Assert.Equal("127", Parse("{ host = 127, callback = function() end }").Host);
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("-1", "-1")]
    [InlineData("65536", "65536")]
    [InlineData("0/0", "nan")]
    public void A_port_that_is_no_integer_in_range_is_an_error_showing_the_value(string port, string shown)
    {
        var parsed = Parse($"{{ host = 'h', port = {port}, callback = function() end }}");

        Assert.Equal($"tcp request has bad params: port must be an integer in 0..65535, got {shown}", parsed.Error);
    }

    [Fact]
    public void A_numeric_string_port_counts_as_no_port()
    {
        var parsed = Parse("{ host = 'h', port = '25', callback = function() end }");

        Assert.Null(parsed.Error);
        Assert.Equal(0, parsed.Port);
        Assert.False(parsed.PortGiven);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("connect_timeout")]
    [InlineData("read_timeout")]
    [InlineData("write_timeout")]
    public void A_timeout_that_is_nan_or_too_large_is_an_error_naming_the_field(string field)
    {
        Assert.Equal($"tcp request has bad params: {field} must be a number of seconds up to 1000000, got nan",
            Parse($"{{ host = 'h', callback = function() end, {field} = 0/0 }}").Error);
        Assert.Equal($"tcp request has bad params: {field} must be a number of seconds up to 1000000, got 2000000",
            Parse($"{{ host = 'h', callback = function() end, {field} = 2000000 }}").Error);
    }

    [Fact]
    public void A_negative_timeout_is_kept_as_no_timer_and_one_of_another_type_is_ignored()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, timeout = -30, read_timeout = '5' }");

        Assert.Null(parsed.Error);
        Assert.Equal(TimeSpan.FromSeconds(-1), parsed.Timeouts.Budget);
        Assert.Null(parsed.Timeouts.Read);
    }

    [Fact]
    public void Booleans_of_another_type_count_as_absent()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, partial = 1, shutdown = 'yes', read = 0, ssl = 'true' }");

        Assert.False(parsed.Partial);
        Assert.False(parsed.Shutdown);
        Assert.True(parsed.Read);
        Assert.False(parsed.Ssl);
    }

    [Theory]
    [InlineData("ssl = true, ssl_noverify = true", true)]
    [InlineData("ssl = true, no_ssl_verify = true", true)]
    [InlineData("ssl = true, ssl_noverify = false, no_ssl_verify = true", false)]
    [InlineData("ssl = true, ssl_noverify = 'x', no_ssl_verify = true", true)]
    [InlineData("ssl_noverify = true", false)]
    public void No_verify_comes_from_ssl_noverify_else_its_alias_and_only_with_ssl(string fields, bool noVerify)
    {
        Assert.Equal(noVerify, Parse($"{{ host = 'h', callback = function() end, {fields} }}").SslNoVerify);
    }

    [Fact]
    public void A_data_table_with_a_piece_of_another_type_fails_naming_its_zero_based_position()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, data = {'a', 'b', {}} }");

        Assert.Null(parsed.Error);
        Assert.Equal("tcp request has bad data argument at pos 2", parsed.Failure);
    }

    [Fact]
    public void Data_of_another_type_is_ignored()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, data = 42 }");

        Assert.Null(parsed.Failure);
        Assert.Null(parsed.Data);
    }

    [Fact]
    public void An_empty_stop_pattern_is_no_stop_pattern()
    {
        Assert.True(Parse("{ host = 'h', callback = function() end, stop_pattern = '' }").StopPattern.IsEmpty);
    }

    [Fact]
    public void A_userdata_that_is_no_upstream_is_refused_as_upstream()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, upstream = rspamd_text.fromstring('x') }");

        Assert.Equal("bad argument #1 to '?' ('upstream' expected)", parsed.Error);
    }

    [Fact]
    public void An_upstream_field_of_another_type_is_ignored()
    {
        var parsed = Parse("{ host = 'h', callback = function() end, upstream = 'u' }");

        Assert.Null(parsed.Error);
        Assert.False(parsed.Upstream);
        Assert.Equal("h", parsed.Host);
    }
}
