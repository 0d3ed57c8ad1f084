-- lua_tcp_sync's buffer against a one-string model of it: random data in random chunks (1 to 9 bytes, so a pattern
-- spans several reads), read with a random mix of read_until (patterns of 1 to 4 bytes), read_bytes and read_once,
-- then read_until_eof. The connection is a real one whose reads are replaced by a scripted peer.
local tcp_sync = require "lua_tcp_sync"
local ok, s = tcp_sync.connect{host = servers.host, port = servers.silent, timeout = 5}
print('connect', ok)
local real = s._conn
math.randomseed(20240607)
local alphabet = {'a', 'b', 'ab', 'ba', 'aab'}
local failures, ops = 0, 0
for round = 1, 300 do
  -- The peer: random chunks of a random string over a small alphabet, then EOF.
  local chunks, all = {}, {}
  for i = 1, math.random(0, 40) do
    local n = math.random(1, 9)
    local c = {}
    for j = 1, n do c[j] = (math.random(2) == 1) and 'a' or 'b' end
    chunks[i] = table.concat(c)
    all[i] = chunks[i]
  end
  local next_chunk, at_eof = 1, false
  s._conn = {
    read_once = function()
      if next_chunk > #chunks then at_eof = true; return false, 'IO read error: connection terminated' end
      next_chunk = next_chunk + 1
      return true, chunks[next_chunk - 1]
    end,
    eof = function() return at_eof end,
  }
  s._eof = false
  -- The model: the whole stream as one string, a read position, and how far the peer has been read.
  local stream, pos = table.concat(all), 1
  local function expect(tag, got_ok, got, want_ok, want)
    ops = ops + 1
    if got_ok ~= want_ok or (want_ok and got ~= want) then
      failures = failures + 1
      if failures <= 5 then print('MISMATCH', round, tag, got_ok, got, want_ok, want) end
    end
  end
  while true do
    local op = math.random(4)
    if op == 1 then
      local p = alphabet[math.random(#alphabet)]
      local sidx = string.find(stream, p, pos, true)
      local got_ok, got = s:read_until(p)
      if sidx then
        expect('read_until ' .. p, got_ok, got, true, stream:sub(pos, sidx - 1))
        pos = sidx + #p
      else
        expect('read_until ' .. p, got_ok, got, false)
        break
      end
    elseif op == 2 then
      local n = math.random(0, 12)
      local got_ok, got = s:read_bytes(n)
      if pos + n - 1 <= #stream then
        expect('read_bytes ' .. n, got_ok, got, true, stream:sub(pos, pos + n - 1))
        pos = pos + n
      else
        expect('read_bytes ' .. n, got_ok, got, false)
        break
      end
    elseif op == 3 then
      local got_ok, got = s:read_once()
      if got_ok then
        -- Buffered data, else the next chunk: either way it continues the stream where the model stands.
        expect('read_once', stream:sub(pos, pos + #got - 1) == got and #got > 0, true, true, true)
        pos = pos + #got
      else
        expect('read_once', pos > #stream, true, true, true)
        break
      end
    else
      break
    end
  end
  -- Whatever is left of the stream, buffered or not.
  local got_ok, got = s:read_until_eof()
  expect('read_until_eof', got_ok, got, true, stream:sub(pos))
  expect('eof', s:eof(), nil, true, nil)
end
s._conn = real
print('operations checked', ops > 1000, 'mismatches', failures)
s:close()
