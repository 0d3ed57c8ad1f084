-- While an instruction budget is set, the host's own metatables (reachable with getmetatable, as in rspamd) refuse a
-- __gc too: the host attaches them to every new text, conn and sync conn, so a __gc put into one would finalize each
-- of those objects outside the budget (an endless one hung the host). Plugins may still add other fields; the guard
-- itself can be neither read nor replaced, and rawset elsewhere is unchanged. io's file metatable, whose __gc could be
-- replaced, is hidden.
local tcp = require 'rspamd_tcp'
local text = require 'rspamd_text'
local function show(label, ok, err) print(label, ok, (tostring(err):gsub('^[^:]*:%d+: ', ''))) end
local endless = function() while true do end end

local tmt = getmetatable(text.fromstring('abc'))
show('text assign', pcall(function() tmt.__gc = endless end))
show('text rawset', pcall(rawset, tmt, '__gc', endless))
show('text replace guard', pcall(setmetatable, tmt, nil))
print('guard hidden', getmetatable(tmt))
tmt.plugin_field = 'kept'
print('other field', tmt.plugin_field, rawget(tmt, '__gc'))
print('rawset elsewhere', rawset({}, '__gc', 1).__gc)
-- io's file handles have a __gc already (closing the file): their metatable is hidden, files work as before.
print('file metatable', getmetatable(io.stdout))
local f = io.open('/dev/null')
print('file', io.type(f), f:read('a'), f:close(), io.type(f))

local _, sconn = tcp.connect_sync{host = servers.host, port = servers.echo}
show('sync conn assign', pcall(function() getmetatable(sconn).__gc = endless end))
sconn:close()

tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(err, data, conn)
  show('conn assign', pcall(function() getmetatable(conn).__gc = endless end))
  show('conn rawset', pcall(rawset, getmetatable(conn), '__gc', endless))
  -- Objects made after the attempts are not finalized: collecting them returns.
  for _ = 1, 100 do text.fromstring('x') end
  collectgarbage()
  collectgarbage()
  print('collected', err, tostring(data))
end}
