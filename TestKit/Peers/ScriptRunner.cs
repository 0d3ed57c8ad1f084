namespace ActorTcp.TestKit;

/// <summary>Runs a script's steps on one connection and says how it went: done, or the deviation's message.</summary>
internal static class ScriptRunner
{
    /// <summary>
    /// Runs <paramref name="steps"/> in order. <paramref name="done"/> gets null when the dialogue is over (the last
    /// step done, or a hold started), or the deviation's message (without the <c>ScriptedPeer: </c> prefix); nothing
    /// when the peer was disposed first. The connection is then closed gracefully unless a step ended it.
    /// </summary>
    public static async Task RunAsync(PeerConnection connection, IReadOnlyList<PeerStep> steps, TimeSpan scriptTimeout,
        CancellationToken peerStopping, Action<string?> done)
    {
        var step = 0;
        try
        {
            for (; step < steps.Count; step++)
            {
                if (steps[step].End == PeerStepEnd.Holds) done(null);
                await steps[step].Run(connection).ConfigureAwait(false);
            }
            if (steps.Count == 0 || steps[^1].End != PeerStepEnd.Holds) done(null);
        }
        catch (Exception) when (peerStopping.IsCancellationRequested)
        {
            // The peer is being disposed: not the client's doing.
        }
        catch (OperationCanceledException) when (connection.Stopping.IsCancellationRequested)
        {
            if (steps[step].End != PeerStepEnd.Holds)
                done($"{Name(steps, step)}: still running when the script's bound of {Printable.Duration(scriptTimeout)} passed");
        }
        catch (Exception e)
        {
            done($"{Name(steps, step)}: {e.Message}");
            connection.Abort();
        }
        finally
        {
            await connection.FinishAsync().ConfigureAwait(false);
        }
    }

    private static string Name(IReadOnlyList<PeerStep> steps, int step) => $"step {step + 1} ({steps[step].Description})";
}
