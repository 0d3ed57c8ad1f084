-- A request refused by one of ActorTcp's own limits (here max-connections) is not the backend's fault: its upstream
-- is told neither fail() nor ok(), so a node under load does not mark healthy backends dead.
-- @hocon: actortcp.limits.max-connections = 1
-- @max-seconds: 10
local ul = require "rspamd_upstream_list"
local tcp = require "rspamd_tcp"
local l = ul.create(rspamd_config, servers.host .. ':' .. servers.lines)
l:add_watcher({'failure', 'success', 'offline'}, function(event, _, errors) print('watch', event, errors) end)
local up = l:get_upstream_round_robin()
-- The one connection the limit allows, held open by a silent server until its timeout.
tcp.request{host = servers.host, port = servers.silent, read = true, timeout = 1, callback = function(err)
  print('holder', err)
end}
local results = {}
for i = 1, 4 do
  tcp.request{upstream = up, data = 'x\r\n', stop_pattern = '\r\n', callback = function(err)
    results[#results + 1] = i .. ' ' .. (err and err:find('max-connections', 1, true) and 'limit' or tostring(err))
    if #results == 4 then
      table.sort(results) -- the four fail at once, in any order
      print(table.concat(results, ', '))
    end
  end}
end
