using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using Xunit;

namespace ActorTcp.Tests.Lua;

/// <summary><c>rspamd{text}</c> objects and the <c>rspamd_text</c> module (TextModule.cs, rspamd_text.lua).</summary>
public class TextObjectTests
{
    private sealed class CapturedOutput : ILuaOutput
    {
        public List<byte[]> Lines { get; } = [];

        public void WriteLine(ReadOnlySpan<byte> line) => Lines.Add(line.ToArray());
    }

    private sealed class CapturedLog : ILuaLog
    {
        public List<string> Lines { get; } = [];

        public void Info(string message) => Lines.Add("info: " + message);

        public void Warning(string message) => Lines.Add("warning: " + message);

        public void Error(string message) => Lines.Add("error: " + message);

        public void Debug(string message) => Lines.Add("debug: " + message);
    }

    private static LuaRuntime NewRuntime(CapturedOutput output) =>
        new(output, new CapturedLog(), [new BaseModule(), new TextModule()]);

    /// <summary>Runs <paramref name="code"/> in a fresh runtime; returns what it printed, one Latin-1 string per line.</summary>
    private static List<string> Run(string code)
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes(code), "test");
        Assert.Null(error);
        return output.Lines.Select(l => Encoding.Latin1.GetString(l)).ToList();
    }

    /// <summary>Runs a snippet that prints exactly one line and returns it.</summary>
    private static string RunOne(string code) => Assert.Single(Run(code));

    [Fact]
    public void Fromstring_gives_a_text_userdata_with_length_string_and_tostring()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("hello")
            print(type(t), #t, t:len(), t:str(), tostring(t))
            print(t)
            print(rspamd_text.is_text(t), rspamd_text.is_text("hello"), rspamd_text.is_text({}), rspamd_text.is_text(io.stdout))
            print(rspamd_text.from_string("x"):str(), #rspamd_text.fromstring(""), rspamd_text.fromstring(12.5):str())
            print(rspamd_text.fromstring(t) == t, rawequal(rspamd_text.fromstring(t), t))
            print(getmetatable(t).__name)
            """);
        Assert.Equal(
            [
                "userdata\t5\t5\thello\thello",
                "hello",
                "true\tfalse\tfalse\tfalse",
                "x\t0\t12.5",
                "true\tfalse",
                "rspamd{text}",
            ],
            lines);
    }

    [Fact]
    public void Require_and_the_global_give_the_same_module()
    {
        Assert.Equal("true\ttable\tfunction\tfunction\tfunction", RunOne("""
            local m = require "rspamd_text"
            print(m == rspamd_text, type(m), type(m.fromstring), type(m.fromtable), type(m.is_text))
            """));
    }

    [Fact]
    public void Sub_matches_string_sub_for_every_position_pair_including_negative_and_out_of_range()
    {
        Assert.Equal("ok 1156", RunOne("""
            local n = 0
            for _, s in ipairs({ "", "a", "hello", "\0\128\255xy" }) do
              local t = rspamd_text.fromstring(s)
              for i = -8, 8 do
                for j = -8, 8 do
                  local got = t:sub(i, j)
                  assert(rspamd_text.is_text(got))
                  assert(got:str() == s:sub(i, j), ("sub(%d, %d) of %q"):format(i, j, s))
                  n = n + 1
                end
                assert(t:sub(i):str() == s:sub(i), ("sub(%d) of %q"):format(i, s))
              end
            end
            print("ok", n)
            """).Replace('\t', ' '));
    }

    [Fact]
    public void Sub_accepts_integral_floats_and_numeric_strings_and_huge_positions()
    {
        Assert.Equal("bc\tbc\tabcd\t\td", RunOne("""
            local t = rspamd_text.fromstring("abcd")
            print(t:sub(2.0, 3), t:sub("2", "3"), t:sub(math.mininteger, math.maxinteger),
                  t:sub(math.maxinteger), t:sub(-1, math.maxinteger))
            """));
    }

    [Fact]
    public void Span_takes_a_start_and_an_optional_length()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abcdef")
            print(t:span(1), t:span(3), t:span(2, 3), t:span(6, 1), #t:span(7), #t:span(3, 0), t:span(4, -1))
            print(rspamd_text.is_text(t:span(2)))
            for _, args in ipairs({ {0}, {8}, {-1}, {2, 6}, {2, -2}, {7, 1} }) do
              print(select(2, pcall(t.span, t, table.unpack(args))))
            end
            print(#rspamd_text.fromstring(""):span(1))
            """);
        Assert.Equal(
            [
                "abcdef\tcdef\tbcd\tf\t0\t0\tdef",
                "true",
                "text:span: start offset 0 is out of range (text length 6)",
                "text:span: start offset 8 is out of range (text length 6)",
                "text:span: start offset -1 is out of range (text length 6)",
                "text:span: invalid length 6 (5 bytes from offset 2)",
                "text:span: invalid length -2 (5 bytes from offset 2)",
                "text:span: invalid length 1 (0 bytes from offset 7)",
                "0",
            ],
            lines);
    }

    [Fact]
    public void Find_is_a_plain_search_with_absolute_positions_like_string_find()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("a.b.c.b")
            print(t:find("b"))
            print(t:find("b", 4))
            print(t:find(".b", -3))
            print(t:find("."))
            print(t:find("x"), select('#', t:find("x")))
            print(t:find(""), t:find("", 8))
            print(t:find("", 9), t:find("b", 100))
            print(t:find(rspamd_text.fromstring("c.b")))
            print(t:find("a", -100))
            """);
        Assert.Equal(
            [
                "3\t3",
                "7\t7",
                "6\t7",
                "2\t2",
                "nil\t1",
                "1\t8\t7",
                "nil\tnil",
                "5\t7",
                "1\t1",
            ],
            lines);
    }

    [Fact]
    public void Find_matches_string_find_plain_for_every_init()
    {
        Assert.Equal("ok", RunOne("""
            local s = "abcabc\0ab\255c"
            local t = rspamd_text.fromstring(s)
            for _, p in ipairs({ "a", "bc", "c", "\0", "\0a", "b\255", "abcabc\0ab\255c", "", "zz" }) do
              for init = -14, 14 do
                local a, b = t:find(p, init)
                local x, y = s:find(p, init, true)
                assert(a == x and b == y, ("find(%q, %d): %s %s vs %s %s"):format(p, init, a, b, x, y))
              end
            end
            print("ok")
            """));
    }

    [Fact]
    public void Byte_and_at_return_unsigned_byte_values()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("A\0\128\255z")
            print(t:byte())
            print(t:byte(3))
            print(t:byte(2, 4))
            print(t:byte(-1), t:byte(-2, -1))
            print(select('#', t:byte(6)), select('#', t:byte(0)), select('#', t:byte(3, 2)))
            print(t:byte(1, -1))
            print(t:at(1), t:at(4), t:at(-1), t:at(-5), t:at())
            print(t:at(0), t:at(6), t:at(-6), select('#', t:at(6)))
            """);
        Assert.Equal(
            [
                "65",
                "128",
                "0\t128\t255",
                "122\t255\t122",
                "0\t0\t0",
                "65\t0\t128\t255\t122",
                "65\t255\t122\t65\t65",
                "nil\tnil\tnil\t1",
            ],
            lines);
    }

    [Fact]
    public void Byte_matches_string_byte_for_every_position_pair()
    {
        Assert.Equal("ok", RunOne("""
            local s = "\0\1\127\128\254\255"
            local t = rspamd_text.fromstring(s)
            for i = -8, 8 do
              assert(table.concat({ t:byte(i) }, ",") == table.concat({ s:byte(i) }, ","))
              for j = -8, 8 do
                local a, b = table.concat({ t:byte(i, j) }, ","), table.concat({ s:byte(i, j) }, ",")
                assert(a == b, ("byte(%d, %d): %s vs %s"):format(i, j, a, b))
              end
            end
            print("ok")
            """));
    }

    [Fact]
    public void Byte_of_a_slice_too_long_for_the_stack_is_an_error_not_a_crash()
    {
        var line = RunOne("""
            local t = rspamd_text.fromstring(string.rep("x", 2000000))
            print(pcall(t.byte, t, 1, -1))
            """);
        Assert.Equal("false\ttext:byte: slice too long (2000000 bytes)", line);
    }

    [Fact]
    public void Texts_with_the_same_bytes_are_equal()
    {
        var lines = Run("""
            local a, b, c = rspamd_text.fromstring("x\0y"), rspamd_text.fromstring("x\0y"), rspamd_text.fromstring("x\0z")
            print(a == b, a ~= b, a == c, a == a, rawequal(a, b))
            print(a == "x\0y", rspamd_text.fromstring("") == rspamd_text.fromstring(""))
            print(a == io.stdout, io.stdout == a, a == {})
            print(getmetatable(a).__eq(a, "x\0y"), getmetatable(a).__eq(a, 1))
            """);
        Assert.Equal(
            [
                "true\tfalse\tfalse\ttrue\tfalse",
                "false\ttrue",
                "false\tfalse\tfalse",
                "true\tfalse",
            ],
            lines);
    }

    [Fact]
    public void Concatenation_with_texts_strings_and_numbers_gives_a_new_text()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("ab")
            local r1, r2, r3, r4, r5 = t .. "x", "x" .. t, t .. t, 1 .. t, t .. 2.5
            print(r1, r2, r3, r4, r5)
            print(rspamd_text.is_text(r1), rspamd_text.is_text(r2), rspamd_text.is_text(r3), #r3)
            print("<" .. t .. ">", rspamd_text.is_text("<" .. t .. ">"))
            print(t:str(), #(t .. ""), #(rspamd_text.fromstring("") .. ""))
            local ok, err = pcall(function() return t .. {} end)
            print(ok, err)
            ok, err = pcall(function() return true .. t end)
            print(ok, err)
            """);
        Assert.Equal(
            [
                "abx\txab\tabab\t1ab\tab2.5",
                "true\ttrue\ttrue\t4",
                "<ab>\ttrue",
                "ab\t2\t0",
                "false\ttest:7: attempt to concatenate a table value",
                "false\ttest:9: attempt to concatenate a boolean value",
            ],
            lines);
    }

    [Fact]
    public void Fromtable_joins_strings_texts_numbers_and_nested_tables()
    {
        var lines = Run("""
            local T = rspamd_text.fromstring
            print(rspamd_text.fromtable({ "a", T("b"), "c" }))
            print(rspamd_text.fromtable({ "a", T("b"), "c" }, ", "))
            print(rspamd_text.fromtable({ "a", { "b", T("c") }, 3 }, "-"))
            print(#rspamd_text.fromtable({}), #rspamd_text.fromtable({}, "x"), rspamd_text.fromtable({ "only" }, "x"))
            print(rspamd_text.fromtable({ "a", "b" }, T("\0")) == T("a\0b"), rspamd_text.from_table({ "x", "y" }, 0))
            print(rspamd_text.is_text(rspamd_text.fromtable({ "a" })), rspamd_text.fromtable({ "a", "b", x = {} }))
            """);
        Assert.Equal(
            [
                "abc",
                "a, b, c",
                "a-b-c-3",
                "0\t0\tonly",
                "true\tx0y",
                "true\tab",
            ],
            lines);
    }

    [Fact]
    public void Fromtable_names_the_position_of_a_bad_element()
    {
        var lines = Run("""
            local function try(...) print(select(2, pcall(rspamd_text.fromtable, ...))) end
            try({ "a", true, "c" })
            try({ "a", { "b", "c", {} , { io.stdout } } })
            try({ "a", nil, "c" })
            try("abc")
            try()
            try({ "a" }, {})
            local cycle = { "a" }
            cycle[2] = cycle
            try(cycle)
            local ok, err = pcall(function() local r = rspamd_text.fromtable({ function() end }); return r end)
            print(err)
            """);
        Assert.Equal(
            [
                "rspamd_text.fromtable: bad element tbl[2] (string or text expected, got boolean)",
                "rspamd_text.fromtable: bad element tbl[2][4][1] (string or text expected, got FILE*)",
                "rspamd_text.fromtable: bad element tbl[2] (string or text expected, got nil)",
                "rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got string)",
                "rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got nil)",
                "rspamd_text.fromtable: bad argument #2 'delim' (string expected, got table)",
                "rspamd_text.fromtable: tables nested too deeply at tbl[2][2][2][2][2][2][2][2][2][2][2]",
                "test:11: rspamd_text.fromtable: bad element tbl[1] (string or text expected, got function)",
            ],
            lines);
    }

    [Fact]
    public void Lines_iterates_over_lines_as_texts_or_strings()
    {
        var lines = Run("""
            local function show(t, stringify)
              local out = {}
              for l in t:lines(stringify) do
                out[#out + 1] = (type(l) == "string" and "s:" or (rspamd_text.is_text(l) and "t:" or "?:")) .. tostring(l)
              end
              print(#out, table.concat(out, "|"))
            end
            local T = rspamd_text.fromstring
            show(T("a\r\nbb\nccc"))
            show(T("a\r\nbb\nccc\r\n"), true)
            show(T("one"), true)
            show(T(""))
            show(T("\n"), true)
            show(T("a\n\n\r\nb\r\r\n"), true)
            show(T("x\ry\n"), true)
            show(T("a\nb"), 1)
            local it = T("a"):lines()
            print(it(), it(), it())
            """);
        Assert.Equal(
            [
                "3\tt:a|t:bb|t:ccc",
                "3\ts:a|s:bb|s:ccc",
                "1\ts:one",
                "0\t",
                "1\ts:",
                "4\ts:a|s:|s:|s:b\r",
                "1\ts:x\ry",
                "2\tt:a|t:b",
                "a\tnil\tnil",
            ],
            lines);
    }

    [Fact]
    public void Split_iterates_over_pieces_between_a_plain_separator_skipping_empty_ones()
    {
        var lines = Run("""
            local function show(t, sep, stringify)
              local out = {}
              for p in t:split(sep, stringify) do
                out[#out + 1] = (type(p) == "string" and "s:" or (rspamd_text.is_text(p) and "t:" or "?:")) .. tostring(p)
              end
              print(#out, table.concat(out, "|"))
            end
            local T = rspamd_text.fromstring
            show(T("a,b,,c"), ",")
            show(T(",,a,b,,c,,"), ",", true)
            show(T("a\r\nb\r\n\r\nc"), "\r\n", true)
            show(T("a.*b"), ".*", true)
            show(T("abc"), ";", true)
            show(T(""), ";")
            show(T(",,,"), ",")
            show(T("a\0b\0c"), "\0", true)
            show(T("aXXbXc"), T("X"), true)
            show(T("1020"), 0, true)
            """);
        Assert.Equal(
            [
                "3\tt:a|t:b|t:c",
                "3\ts:a|s:b|s:c",
                "3\ts:a|s:b|s:c",
                "2\ts:a|s:b",
                "1\ts:abc",
                "0\t",
                "0\t",
                "3\ts:a|s:b|s:c",
                "3\ts:a|s:b|s:c",
                "2\ts:1|s:2",
            ],
            lines);
    }

    [Fact]
    public void Every_byte_value_round_trips_through_fromstring_tostring_sub_span_find_and_fromtable()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local bytes = {}
            for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
            local s = table.concat(bytes)
            local t = rspamd_text.fromstring(s)
            print(t)
            print(t:str())
            print(t:sub(1, -1))
            print(t:span(1))
            print(rspamd_text.fromtable({ t:sub(1, 128), t:sub(129) }))
            print(t:sub(128, 130))
            print(t:find("\0\1\2"), t:find("\127\128"), t:find("\255"), t:find("\254\255\0"))
            print(#t, t:at(1), t:at(129), t:at(256))
            """), "test");
        Assert.Null(error);

        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(8, output.Lines.Count);
        for (var i = 0; i < 5; i++) Assert.Equal(all, output.Lines[i]);
        Assert.Equal(new byte[] { 0x7F, 0x80, 0x81 }, output.Lines[5]);
        Assert.Equal("1\t128\t256\tnil", Encoding.Latin1.GetString(output.Lines[6]));
        Assert.Equal("256\t0\t128\t255", Encoding.Latin1.GetString(output.Lines[7]));
    }

    [Fact]
    public void Binary_text_survives_lines_split_and_concatenation()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local t = rspamd_text.fromstring("\0\255\r\n\128\0\n")
            for l in t:lines() do print(l) end
            for p in t:split("\0") do print(p) end
            print("\0" .. t .. "\255")
            """), "test");
        Assert.Null(error);
        Assert.Equal(
            [
                [0x00, 0xFF],
                [0x80, 0x00],
                [0xFF, 0x0D, 0x0A, 0x80],
                [0x0A],
                [0x00, 0x00, 0xFF, 0x0D, 0x0A, 0x80, 0x00, 0x0A, 0xFF],
            ],
            output.Lines);
    }

    [Fact]
    public void Bad_arguments_raise_Lua_errors_naming_the_argument()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local function try(f, ...) print(select(2, pcall(f, ...))) end
            try(t.sub, t)
            try(t.sub, t, "x")
            try(t.sub, t, 1.5)
            try(t.sub, t, 1, {})
            try(t.span, t, nil)
            try(t.span, t, 1, "x")
            try(t.find, t)
            try(t.find, t, {})
            try(t.find, t, "a", "x")
            try(t.byte, t, {})
            try(t.byte, t, 1, 2.5)
            try(t.at, t, "x")
            try(t.lines, "abc")
            try(t.split, t)
            try(t.split, t, "")
            try(t.split, t, {})
            try(t.len, "abc")
            try(t.str, 5)
            try(t.sub, io.stdout, 1)
            try(t.find, nil, "a")
            try(rspamd_text.fromstring, {})
            try(rspamd_text.fromstring)
            """);
        Assert.Equal(
            [
                "text:sub: bad argument #1 'i' (number expected, got nil)",
                "text:sub: bad argument #1 'i' (number expected, got string)",
                "text:sub: bad argument #1 'i' (number has no integer representation)",
                "text:sub: bad argument #2 'j' (number expected, got table)",
                "text:span: bad argument #1 'start' (number expected, got nil)",
                "text:span: bad argument #2 'len' (number expected, got string)",
                "text:find: bad argument #1 'pattern' (string expected, got nil)",
                "text:find: bad argument #1 'pattern' (string expected, got table)",
                "text:find: bad argument #2 'init' (number expected, got string)",
                "text:byte: bad argument #1 'i' (number expected, got table)",
                "text:byte: bad argument #2 'j' (number has no integer representation)",
                "text:at: bad argument #1 'i' (number expected, got string)",
                "text:lines: bad self (rspamd{text} expected, got string)",
                "text:split: bad argument #1 'sep' (string expected, got nil)",
                "text:split: bad argument #1 'sep' (the separator is empty)",
                "text:split: bad argument #1 'sep' (string expected, got table)",
                "text:len: bad self (rspamd{text} expected, got string)",
                "text:str: bad self (rspamd{text} expected, got number)",
                "text:sub: bad self (rspamd{text} expected, got FILE*)",
                "text:find: bad self (rspamd{text} expected, got nil)",
                "rspamd_text.fromstring: bad argument #1 'str' (string expected, got table)",
                "rspamd_text.fromstring: bad argument #1 'str' (string expected, got nil)",
            ],
            lines);
    }

    [Fact]
    public void Argument_errors_point_at_the_callers_line()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local function at(f) local _, err = pcall(f); print(err) end
            at(function() local _ = t:sub("x") end)
            at(function() local _ = t:byte({}) end)
            at(function() local a, b = t:byte(1, {}) return a end)
            at(function() local _ = t:find({}) end)
            at(function() local _ = t:span(9) end)
            at(function() local _ = t:lines(1, 2) and t.lines(5) end)
            at(function() local _ = t:split("") end)
            at(function() local _ = t.at(nil) end)
            at(function() local _ = t.len(1) end)
            at(function() local _ = rspamd_text.fromtable(1) end)
            at(function() local _ = rspamd_text.fromstring(nil) end)
            at(function() local _ = t .. {} end)
            at(function() local _ = t:nosuch() end)
            """);
        Assert.Equal(
            [
                "test:3: text:sub: bad argument #1 'i' (number expected, got string)",
                "test:4: text:byte: bad argument #1 'i' (number expected, got table)",
                "test:5: text:byte: bad argument #2 'j' (number expected, got table)",
                "test:6: text:find: bad argument #1 'pattern' (string expected, got table)",
                "test:7: text:span: start offset 9 is out of range (text length 3)",
                "test:8: text:lines: bad self (rspamd{text} expected, got number)",
                "test:9: text:split: bad argument #1 'sep' (the separator is empty)",
                "test:10: text:at: bad self (rspamd{text} expected, got nil)",
                "test:11: text:len: bad self (rspamd{text} expected, got number)",
                "test:12: rspamd_text.fromtable: bad argument #1 'tbl' (table expected, got number)",
                "test:13: rspamd_text.fromstring: bad argument #1 'str' (string expected, got nil)",
                "test:14: attempt to concatenate a table value",
                "test:15: attempt to call a nil value (method 'nosuch')",
            ],
            lines);
    }

    [Fact]
    public void An_uncaught_argument_error_fails_the_chunk_with_a_traceback()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local t = rspamd_text.fromstring("abc")
            print("before")
            t:sub({})
            print("after")
            """), "test");
        Assert.NotNull(error);
        Assert.StartsWith("test:3: text:sub: bad argument #1 'i' (number expected, got table)", error);
        Assert.Contains("stack traceback", error);
        Assert.Equal("before", Encoding.Latin1.GetString(Assert.Single(output.Lines)));

        // The runtime stays usable.
        Assert.Null(runtime.RunChunk("print(rspamd_text.fromstring('ok'))"u8, "again"));
        Assert.Equal("ok", Encoding.Latin1.GetString(output.Lines[^1]));
    }

    [Fact]
    public void One_megabyte_texts_work_with_every_method()
    {
        var lines = Run("""
            local MB = 1024 * 1024
            local s = string.rep("0123456789abcdef", MB // 16 - 1) .. "0123456789\r\nEND!"
            local t = rspamd_text.fromstring(s)
            print(#t, t:len(), #t:str(), t:str() == s, tostring(t) == s)
            print(t:find("END!"), t:find("\r\n"), t:find("f0", MB - 100))
            print(#t:sub(2, -2), t:sub(-4):str(), #t:span(MB // 2), t:span(MB - 3, 4):str())
            print(t:byte(-1), t:at(MB), t:at(1))
            local n, last = 0, nil
            for l in t:lines() do n = n + 1; last = l end
            print(n, #last, last:str())
            local pieces = 0
            for p in t:split("f", true) do pieces = pieces + 1 end
            print(pieces)
            local big = t .. t
            print(#big, big:sub(MB - 3, MB + 4):str() == "END!0123")
            local joined = rspamd_text.fromtable({ t, t, t }, "|")
            print(#joined, joined == rspamd_text.fromstring(s .. "|" .. s .. "|" .. s))
            """);
        Assert.Equal(
            [
                "1048576\t1048576\t1048576\ttrue\ttrue",
                "1048573\t1048571\t1048480\t1048481",
                "1048574\tEND!\t524289\tEND!",
                "33\t33\t48",
                "2\t4\tEND!",
                "65536",
                "2097152\ttrue",
                "3145730\ttrue",
            ],
            lines);
    }

    [Fact]
    public void Two_hundred_thousand_texts_are_collected()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        runtime.CollectGarbage();
        var before = runtime.MemoryBytes();

        var error = runtime.RunChunk(Encoding.UTF8.GetBytes("""
            local T = rspamd_text.fromstring
            local keep = 0
            for i = 1, 200000 do
              local t = T("payload " .. i)
              local u = t:sub(2, -2) .. "x"
              for l in u:lines() do keep = keep + #l end
              keep = keep + #t:span(1, 3) + (t == u and 1 or 0)
            end
            print(keep)
            """), "test");
        Assert.Null(error);
        Assert.Single(output.Lines);

        runtime.CollectGarbage();
        var after = runtime.MemoryBytes();
        Assert.True(after - before < 64 * 1024, $"Lua memory grew from {before} to {after} bytes");
    }

    [Fact]
    public void Successful_calls_allocate_nothing_on_the_managed_heap()
    {
        var output = new CapturedOutput();
        using var runtime = NewRuntime(output);
        var code = Encoding.UTF8.GetBytes("""
            local n = ...
            local t = rspamd_text.fromstring("GET / HTTP/1.1\r\nHost: x\r\n\r\n\0\255")
            local sum = 0
            for i = 1, tonumber(n) do
              local u = t:sub(2, -2) .. "x"
              sum = sum + #t + t:len() + #tostring(t) + #t:str() + #t:span(3, 4) + t:find("Host") + t:byte(-1) + t:at(1)
              for l in u:lines() do sum = sum + #l end
              for p in t:split(": ", true) do sum = sum + #p end
              if t == u then sum = sum + 1 end
              sum = sum + #rspamd_text.fromtable({ t, "a", u }, ",") + #rspamd_text.fromstring("abc")
            end
            print(sum)
            """);
        Assert.Null(runtime.RunChunk(code, "warmup", "1000"));

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(runtime.RunChunk(code, "measured", "50000"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 50000 iterations of ~20 host calls: one allocation per call would be megabytes.
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated on the managed heap");
    }

    [Fact]
    public void Methods_reach_texts_through_the_metatable_only()
    {
        var lines = Run("""
            local t = rspamd_text.fromstring("abc")
            local mt = getmetatable(t)
            print(type(mt.__index), mt.__index == getmetatable(rspamd_text.fromstring("")).__index)
            print(rawget(_G, "text_sub"), rawget(_G, "raw"), mt.__name)
            print(pcall(function() t.x = 1 end))
            """);
        Assert.Equal("table\ttrue", lines[0]);
        Assert.Equal("nil\tnil\trspamd{text}", lines[1]);
        Assert.StartsWith("false\ttest:5: attempt to index a rspamd{text} value", lines[2]);
    }
}
