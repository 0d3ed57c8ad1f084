using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>The definition string: prefixes, separators, the order kept, and what a definition without members gives.</summary>
public class UpstreamDefinitionParserTests
{
    private static IEnumerable<string> Names(UpstreamDefinition definition) => definition.Members.Select(m => m.Name);

    [Theory]
    [InlineData("random:", UpstreamRotation.Random)]
    [InlineData("master-slave:", UpstreamRotation.MasterSlave)]
    [InlineData("round-robin:", UpstreamRotation.RoundRobin)]
    [InlineData("hash:", UpstreamRotation.Hash)]
    public void Each_prefix_sets_its_rotation(string prefix, UpstreamRotation rotation)
    {
        var definition = UpstreamDefinitionParser.Parse(prefix + "127.0.0.1:1", 25);

        Assert.Equal(rotation, definition.Rotation);
        Assert.Equal(["127.0.0.1:1"], Names(definition));
    }

    [Theory]
    [InlineData("RANDOM:", UpstreamRotation.Random)]
    [InlineData("Master-Slave:", UpstreamRotation.MasterSlave)]
    [InlineData("ROUND-robin:", UpstreamRotation.RoundRobin)]
    [InlineData("HaSh:", UpstreamRotation.Hash)]
    public void A_prefix_is_matched_ignoring_ASCII_case(string prefix, UpstreamRotation rotation)
    {
        Assert.Equal(rotation, UpstreamDefinitionParser.Parse(prefix + "127.0.0.1:1", 25).Rotation);
    }

    [Fact]
    public void A_definition_without_a_prefix_has_no_rotation()
    {
        Assert.Null(UpstreamDefinitionParser.Parse("127.0.0.1:1", 25).Rotation);
    }

    [Fact]
    public void Separators_may_follow_the_prefix()
    {
        var definition = UpstreamDefinitionParser.Parse("random: ,;127.0.0.1:1", 25);

        Assert.Equal(UpstreamRotation.Random, definition.Rotation);
        Assert.Equal(["127.0.0.1:1"], Names(definition));
        Assert.Empty(definition.Rejected);
    }

    [Fact]
    public void A_prefix_counts_only_at_the_very_start()
    {
        var definition = UpstreamDefinitionParser.Parse(" random:127.0.0.1:1", 25);

        Assert.Null(definition.Rotation);
        Assert.Empty(definition.Members);
        Assert.Single(definition.Rejected);
    }

    [Fact]
    public void P2c_is_no_prefix_but_a_bad_element()
    {
        var definition = UpstreamDefinitionParser.Parse("p2c:127.0.0.1:1", 25);

        Assert.Null(definition.Rotation);
        Assert.Empty(definition.Members);
        Assert.Equal(["cannot parse upstream p2c:127.0.0.1:1: port '127.0.0.1' must be digits only, 1..65535"], definition.Rejected);
    }

    [Fact]
    public void Semicolons_commas_spaces_newlines_returns_and_tabs_all_separate_elements()
    {
        var definition = UpstreamDefinitionParser.Parse("a:1;b:2,c:3 d:4\ne:5\rf:6\tg:7", 25);

        Assert.Equal(["a:1", "b:2", "c:3", "d:4", "e:5", "f:6", "g:7"], Names(definition));
    }

    [Fact]
    public void Runs_of_separators_and_leading_and_trailing_ones_are_ignored()
    {
        var definition = UpstreamDefinitionParser.Parse(" ;,\ta:1 ,;\r\n b:2\t;", 25);

        Assert.Equal(["a:1", "b:2"], Names(definition));
        Assert.Empty(definition.Rejected);
    }

    [Fact]
    public void Members_keep_definition_order_and_duplicates()
    {
        var definition = UpstreamDefinitionParser.Parse("c:3,a:1,c:3,b:2", 25);

        Assert.Equal(["c:3", "a:1", "c:3", "b:2"], Names(definition));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",,,")]
    [InlineData("random:")]
    [InlineData("127.0.0.1:0,:80")]
    public void A_definition_where_no_element_parses_has_no_members(string text)
    {
        Assert.Empty(UpstreamDefinitionParser.Parse(text, 25).Members);
    }

    [Fact]
    public void A_prefix_only_definition_keeps_its_rotation_and_gives_no_reason()
    {
        var definition = UpstreamDefinitionParser.Parse("hash:", 25);

        Assert.Equal(UpstreamRotation.Hash, definition.Rotation);
        Assert.Empty(definition.Rejected);
    }

    [Fact]
    public void Bad_elements_are_dropped_with_one_reason_each_and_the_others_kept()
    {
        var definition = UpstreamDefinitionParser.Parse("127.0.0.1:1,127.0.0.1:70000,:80,127.0.0.2:2", 25);

        Assert.Equal(["127.0.0.1:1", "127.0.0.2:2"], Names(definition));
        Assert.Equal(
            ["cannot parse upstream 127.0.0.1:70000: port must be 1..65535", "cannot parse upstream :80: empty host"],
            definition.Rejected);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    [InlineData(-1)]
    public void A_default_port_outside_1_to_65535_is_refused(int port)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UpstreamDefinitionParser.Parse("127.0.0.1", port));
        Assert.Throws<ArgumentOutOfRangeException>(() => UpstreamDefinitionParser.ParseAll(["127.0.0.1"], port));
    }

    [Fact]
    public void The_first_element_of_a_master_slave_list_gets_weight_1()
    {
        var definition = UpstreamDefinitionParser.Parse("master-slave:a:1,b:2", 25);

        Assert.Equal([1, 0], definition.Members.Select(m => m.Weight));
    }

    [Fact]
    public void The_first_element_of_a_master_slave_list_keeps_a_weight_it_writes()
    {
        var definition = UpstreamDefinitionParser.Parse("master-slave:a:1:5,b:2", 25);

        Assert.Equal([5, 0], definition.Members.Select(m => m.Weight));
    }

    [Theory]
    [InlineData("a:1,b:2")]
    [InlineData("random:a:1,b:2")]
    [InlineData("round-robin:a:1,b:2")]
    [InlineData("hash:a:1,b:2")]
    public void Without_the_master_slave_prefix_the_first_element_keeps_weight_0(string text)
    {
        Assert.Equal([0, 0], UpstreamDefinitionParser.Parse(text, 25).Members.Select(m => m.Weight));
    }

    [Fact]
    public void A_dropped_first_element_leaves_the_master_slave_weight_to_the_first_one_kept()
    {
        var definition = UpstreamDefinitionParser.Parse("master-slave:a:0,b:2,c:3", 25);

        Assert.Equal([1, 0], definition.Members.Select(m => m.Weight));
    }

    [Fact]
    public void Every_table_entry_is_parsed_into_the_same_list()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["a:1,b:2", "c:3"], 25);

        Assert.Equal(["a:1", "b:2", "c:3"], Names(definition));
        Assert.Empty(definition.Rejected);
    }

    [Fact]
    public void The_last_prefix_in_a_table_wins()
    {
        Assert.Equal(UpstreamRotation.Hash, UpstreamDefinitionParser.ParseAll(["random:a:1", "hash:b:2", "c:3"], 25).Rotation);
    }

    [Fact]
    public void A_prefix_only_table_entry_just_sets_the_rotation()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["random:", "a:1"], 25);

        Assert.Equal(UpstreamRotation.Random, definition.Rotation);
        Assert.Equal(["a:1"], Names(definition));
        Assert.Empty(definition.Rejected);
    }

    [Fact]
    public void A_master_slave_prefix_before_any_element_of_a_table_weights_the_first_one_added()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["master-slave:", "a:0", "b:2", "c:3"], 25);

        Assert.Equal([1, 0], definition.Members.Select(m => m.Weight));
    }

    [Fact]
    public void A_master_slave_prefix_after_the_first_element_of_a_table_weights_nothing()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["a:1", "master-slave:b:2"], 25);

        Assert.Equal(UpstreamRotation.MasterSlave, definition.Rotation);
        Assert.Equal([0, 0], definition.Members.Select(m => m.Weight));
    }

    [Fact]
    public void A_table_value_that_is_neither_string_nor_number_is_rejected_as_NULL()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["a:1", null], 25);

        Assert.Equal(["a:1"], Names(definition));
        Assert.Equal(["cannot parse upstream (NULL): not a string or a number"], definition.Rejected);
    }

    [Fact]
    public void A_blank_table_entry_is_rejected_with_a_reason()
    {
        var definition = UpstreamDefinitionParser.ParseAll([" ,", "a:1"], 25);

        Assert.Equal(["a:1"], Names(definition));
        Assert.Equal(["cannot parse upstream definition \" ,\": it names no upstream"], definition.Rejected);
    }

    [Fact]
    public void Bad_elements_of_table_entries_are_dropped_with_their_reasons()
    {
        var definition = UpstreamDefinitionParser.ParseAll(["a:1,b:0", "c", "d:3"], null);

        Assert.Equal(["a:1", "d:3"], Names(definition));
        Assert.Equal(
            ["cannot parse upstream b:0: port must be 1..65535", "cannot parse upstream c: no port, and the list has no default port"],
            definition.Rejected);
    }

    [Fact]
    public void An_empty_table_gives_no_members_and_no_rotation()
    {
        var definition = UpstreamDefinitionParser.ParseAll([], 25);

        Assert.Null(definition.Rotation);
        Assert.Empty(definition.Members);
        Assert.Empty(definition.Rejected);
    }
}
