namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// A write-only stream that counts what a part's content decodes to and keeps only its first bytes, enough for
/// <see cref="FileMagic"/>: parsing learns a part's length and type without holding a copy of its content.
/// </summary>
internal sealed class ContentProbe : Stream
{
    /// <summary>Bytes kept: past the farthest signature <see cref="FileMagic"/> reads (iso's, at 0x8001).</summary>
    public const int HeadLength = 0x8001 + 8;

    private readonly byte[] _head = new byte[HeadLength];
    private int _kept;

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>The first bytes written (at most <see cref="HeadLength"/>).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _kept);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var take = Math.Min(buffer.Length, HeadLength - _kept);
        if (take > 0)
        {
            buffer[..take].CopyTo(_head.AsSpan(_kept));
            _kept += take;
        }
        Written += buffer.Length;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
