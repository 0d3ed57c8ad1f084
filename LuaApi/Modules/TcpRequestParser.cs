using System.Globalization;
using ActorTcp.Actors.Connection;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>The fields of one <c>rspamd_tcp.request{...}</c> table, or why it is refused.</summary>
internal sealed record ParsedRequest
{
    /// <summary>The host field; null only with an upstream (which then names the peer).</summary>
    public string? Host { get; init; }
    public int Port { get; init; }

    /// <summary>A <c>port</c> field was given (with an upstream it overrides the upstream's port).</summary>
    public bool PortGiven { get; init; }

    /// <summary>An <c>rspamd{upstream}</c> was given: it chooses the address.</summary>
    public bool Upstream { get; init; }
    public IReadOnlyList<ReadOnlyMemory<byte>>? Data { get; init; }
    public ReadOnlyMemory<byte> StopPattern { get; init; }
    public bool Partial { get; init; }
    public bool Shutdown { get; init; }
    public bool Read { get; init; } = true;
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;
    public bool Ssl { get; init; }
    public bool SslNoVerify { get; init; }

    /// <summary>A bad argument: the Lua wrapper raises this message.</summary>
    public string? Error { get; init; }

    /// <summary>rspamd returns false without a callback and logs this.</summary>
    public string? Failure { get; init; }
}

/// <summary>
/// Reads a request table as rspamd's <c>lua_tcp_request</c> does (docs/lua-api.md#requests): values of
/// an unexpected type count as absent where rspamd ignores them; where rspamd would crash or silently misbehave the
/// caller gets an error naming the field.
/// </summary>
internal static unsafe class TcpRequestParser
{
    /// <summary>Largest accepted timeout, in seconds (Akka timers cannot be scheduled arbitrarily far ahead).</summary>
    public const double MaxTimeoutSeconds = 1_000_000;

    public static ParsedRequest Parse(IntPtr L, int table)
    {
        // upstream: an rspamd{upstream} chooses the address, and makes host optional; another userdata is refused as
        // rspamd refuses it, any other value ignored as rspamd ignores it.
        var upstreamType = RawGetField(L, table, "upstream");
        var upstream = upstreamType == LUA_TUSERDATA && Upstreams.UpstreamModule.IsUpstream(L, -1);
        lua_pop(L, 1);
        if (upstreamType == LUA_TUSERDATA && !upstream) return new ParsedRequest { Error = "bad argument #1 to '?' ('upstream' expected)" };

        // host: a string (numbers are converted, as luaL_checkstring does).
        var hostType = RawGetField(L, table, "host");
        var host = hostType is LUA_TSTRING or LUA_TNUMBER ? ToText(L, -1) : null;
        var hostTypeName = TypeName(L, -1);
        lua_pop(L, 1);
        if (string.IsNullOrEmpty(host) && !(upstream && hostType == LUA_TNIL))
            return new ParsedRequest { Error = $"tcp request has bad params: host (string expected, got {(host is null ? hostTypeName : "empty string")})" };

        if (RawGetField(L, table, "callback") != LUA_TFUNCTION)
        {
            lua_pop(L, 1);
            return new ParsedRequest { Failure = "tcp request has bad params" };
        }
        lua_pop(L, 1);

        // port: only a Lua number counts; a numeric string is port 0, as in rspamd ("assume unix socket").
        var port = 0;
        var portGiven = RawGetField(L, table, "port") == LUA_TNUMBER;
        if (portGiven)
        {
            int isInt;
            var value = lua_tointegerx(L, -1, &isInt);
            if (isInt == 0 || value is < 0 or > 65535)
            {
                var shown = ShowNumber(L, -1);
                lua_pop(L, 1);
                return new ParsedRequest { Error = $"tcp request has bad params: port must be an integer in 0..65535, got {shown}" };
            }
            port = (int)value;
        }
        lua_pop(L, 1);

        Span<TimeSpan?> values = stackalloc TimeSpan?[TimeoutFields.Length];
        for (var i = 0; i < TimeoutFields.Length; i++)
        {
            var (seconds, error) = Seconds(L, table, TimeoutFields[i]);
            if (error is not null) return new ParsedRequest { Error = error };
            if (seconds is { } s) values[i] = TimeSpan.FromSeconds(s);
        }
        // A budget alone (what plugins give) is shared with every request of the same value.
        var timeouts = values[1] is null && values[2] is null && values[3] is null
            ? ConnectionTimeouts.OfBudget(values[0])
            : new ConnectionTimeouts(values[0], values[1], values[2], values[3]);

        IReadOnlyList<ReadOnlyMemory<byte>>? data = null;
        var dataType = RawGetField(L, table, "data");
        if (dataType is LUA_TSTRING or LUA_TUSERDATA or LUA_TTABLE)
        {
            var collected = DataPieces.Collect(L, -1);
            if (collected.BadPosition is { } position)
            {
                lua_pop(L, 1);
                return new ParsedRequest { Failure = $"tcp request has bad data argument at pos {position - 1}" /* 0-based, as rspamd logs it */ };
            }
            data = collected.Pieces;
        }
        lua_pop(L, 1);

        ReadOnlyMemory<byte> pattern = default;
        RawGetField(L, table, "stop_pattern");
        if (TextObjects.TryGetStringOrText(L, -1, out var patternBytes)) pattern = StopPatterns.Of(patternBytes);
        lua_pop(L, 1);

        // ssl_noverify, else its alias no_ssl_verify (read only when ssl_noverify is not a boolean, as rspamd does).
        var ssl = Boolean(L, table, "ssl") ?? false;
        var noVerify = Boolean(L, table, "ssl_noverify") ?? Boolean(L, table, "no_ssl_verify") ?? false;

        return new ParsedRequest
        {
            Host = host,
            Port = port,
            PortGiven = portGiven,
            Upstream = upstream,
            Data = data,
            StopPattern = pattern,
            Partial = Boolean(L, table, "partial") ?? false,
            Shutdown = Boolean(L, table, "shutdown") ?? false,
            Read = Boolean(L, table, "read") ?? true,
            Timeouts = timeouts,
            Ssl = ssl,
            // rspamd honours it only together with ssl = true.
            SslNoVerify = ssl && noVerify,
        };
    }

    // In the order of ConnectionTimeouts' parameters: the budget, then the connect, read and write phases.
    private static readonly string[] TimeoutFields = ["timeout", "connect_timeout", "read_timeout", "write_timeout"];

    /// <summary>A number of seconds in <paramref name="field"/>; absent or another type is null (rspamd ignores it).</summary>
    private static (double? Seconds, string? Error) Seconds(IntPtr L, int table, string field)
    {
        try
        {
            if (RawGetField(L, table, field) != LUA_TNUMBER) return (null, null);
            int isNum;
            var value = lua_tonumberx(L, -1, &isNum);
            if (double.IsNaN(value) || value > MaxTimeoutSeconds)
                return (null, $"tcp request has bad params: {field} must be a number of seconds up to {MaxTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}, got {ShowNumber(L, -1)}");
            // Zero or negative means no timer, as in rspamd.
            return (Math.Max(value, -1), null);
        }
        finally
        {
            lua_pop(L, 1);
        }
    }

    /// <summary>
    /// A number as an error message shows it: Lua's own text, except NaN, which the C library prints as "nan" or
    /// "-nan" depending on the sign bit (the plugin author wrote 0/0 either way).
    /// </summary>
    public static string ShowNumber(IntPtr L, int idx)
    {
        int isNum;
        var value = lua_tonumberx(L, idx, &isNum);
        return double.IsNaN(value) ? "nan" : ToText(L, idx) ?? "?";
    }

    /// <summary>A boolean field; null when absent or of another type.</summary>
    private static bool? Boolean(IntPtr L, int table, string field)
    {
        var type = RawGetField(L, table, field);
        bool? value = type == LUA_TBOOLEAN ? lua_toboolean(L, -1) != 0 : null;
        lua_pop(L, 1);
        return value;
    }
}
