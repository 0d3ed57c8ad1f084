using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using ActorTcp.TestKit;
using Xunit;

namespace ActorTcp.Tests.Lua;

/// <summary><c>rspamd{text}</c> objects and the <c>rspamd_text</c> module (TextModule.cs, rspamd_text.lua).</summary>
public partial class TextObjectTests
{
    private sealed class CapturedOutput : ILuaOutput
    {
        public List<byte[]> Lines { get; } = [];

        public void WriteLine(ReadOnlySpan<byte> line) => Lines.Add(line.ToArray());
    }

    private static LuaRuntime NewRuntime(CapturedOutput output) =>
        new(output, new LuaLogLines(), [new BaseModule(), new TextModule()]);

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
}
