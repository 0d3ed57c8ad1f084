-- Raw host functions a plugin can reach through getmetatable (__tostring, __len, __eq of text, conn and sync conn
-- objects) called directly with wrong arguments: never a crash, never a raised error from C#; the host keeps serving.
local tcp = require 'rspamd_tcp'
local text = require 'rspamd_text'
local t = text.fromstring('abc')
local function show(label, ...)
  local r = table.pack(...)
  for i = 1, r.n do r[i] = tostring(r[i]) end
  print(label, table.concat(r, ' ', 1, r.n))
end
local tmt = getmetatable(t)
show('G1 text __len(nil)', pcall(tmt.__len, nil))
show('G2 text __len(42)', pcall(tmt.__len, 42))
show('G3 text __tostring({})', pcall(tmt.__tostring, {}))
show('G4 text __eq(1, 2)', pcall(tmt.__eq, 1, 2))
show('G5 text __concat({}, {})', pcall(tmt.__concat, {}, {}))
local _, sconn = tcp.connect_sync{host = servers.host, port = servers.echo}
local smt = getmetatable(sconn)
show('G6 sync __tostring(nil)', pcall(smt.__tostring, nil))
show('G7 sync __tostring(text)', pcall(smt.__tostring, t))
sconn:close()
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(err, data, conn)
  local cmt = getmetatable(conn)
  show('G8 conn __tostring(nil)', pcall(cmt.__tostring, nil))
  show('G9 conn __tostring(sync conn)', pcall(cmt.__tostring, sconn))
  show('G10 conn __tostring(conn)', pcall(cmt.__tostring, conn) and 'ok')
  report('G11 and the request itself', err, data, conn)
end}
