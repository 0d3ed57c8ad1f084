using System.Text;
using ActorTcp.LuaApi.Mime;
using ActorTcp.LuaApi.Sessions;
using Akka.Actor;
using Xunit;

namespace ActorTcp.Tests.Lua.Units;

/// <summary>
/// The parsed messages held for tasks' sessions: a part's content is reachable while its session lives, and released
/// with the session or with the message's handle.
/// </summary>
public sealed class HeldMessagesTests
{
    private static readonly ParsedMessage Message = ParsedMessage.Parse(Encoding.ASCII.GetBytes(
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n"));

    [Fact]
    public void A_message_is_held_until_its_session_ends_and_the_other_sessions_keep_theirs()
    {
        var sessions = new SessionTable();
        var (one, two) = (sessions.Open("one", ActorRefs.Nobody, isTask: true), sessions.Open("two", ActorRefs.Nobody, isTask: true));
        var held = new HeldMessages();
        var (a, b, c) = (held.Hold(Message, one), held.Hold(Message, one), held.Hold(Message, two));

        held.SessionEnded(one);

        Assert.Null(held.Find(a));
        Assert.Null(held.Find(b));
        Assert.Same(Message, held.Find(c));
        Assert.Equal(1, held.Count);
    }

    [Fact]
    public void A_message_whose_handle_was_collected_is_released_and_its_session_ending_later_is_harmless()
    {
        var session = new SessionTable().Open("one", ActorRefs.Nobody, isTask: true);
        var held = new HeldMessages();
        var id = held.Hold(Message, session);

        held.Release(id);
        held.SessionEnded(session);

        Assert.Null(held.Find(id));
        Assert.Equal(0, held.Count);
    }

    [Fact]
    public void A_message_parsed_for_an_ended_or_missing_session_is_not_held()
    {
        var session = new SessionTable().Open("one", ActorRefs.Nobody, isTask: true);
        session.Ended = true;
        var held = new HeldMessages();

        Assert.Equal(0, held.Hold(Message, session));
        Assert.Equal(0, held.Hold(Message, null));
        Assert.Equal(0, held.Count);
    }

    [Fact]
    public void A_parts_content_is_decoded_on_demand_to_the_length_parsing_measured()
    {
        var part = Assert.Single(Message.Parts);
        using var content = new MemoryStream();

        Message.WriteContent(0, content);

        Assert.Equal("body\r\n", Encoding.ASCII.GetString(content.ToArray()));
        Assert.Equal(content.Length, part.Length);
    }
}
