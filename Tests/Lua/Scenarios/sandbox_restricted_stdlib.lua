-- actortcp.lua.restricted-stdlib = on: nothing that reaches the host process or its files outside rspamd_tcp;
-- the rest of the standard library and ActorTcp's modules work.
-- @hocon: actortcp.lua.restricted-stdlib = on
local tcp = require 'rspamd_tcp'
for _, name in ipairs{'execute', 'exit', 'remove', 'rename', 'tmpname', 'getenv'} do print('os.' .. name, type(os[name])) end
print('io', type(io), 'dofile', type(dofile), 'loadfile', type(loadfile), 'loadlib', type(package.loadlib), 'dump', type(string.dump))
print('os.time', type(os.time()), 'string.rep', ('ab'):rep(2), 'math.max', math.max(1, 2))
print('load text', load('return 1 + 1')())
print('load with env', load('return x', 'chunk', 't', {x = 5})())
print('load binary mode', pcall(load, 'return 1', 'chunk', 'b'))
print('require a file module', (pcall(require, 'socket')))
print('collectgarbage stop', pcall(collectgarbage, 'stop'))
print('collectgarbage count', type(collectgarbage('count')), collectgarbage(), collectgarbage('isrunning'))
print('require lua_tcp_sync', type(require('lua_tcp_sync').connect))
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
  report('request', ...)
end}
