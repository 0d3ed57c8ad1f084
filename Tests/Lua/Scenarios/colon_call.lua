-- "colon call" and the aliases: tcp:request, tcp.new, tcp:connect; the global rspamd_tcp is the module
local tcp = require "rspamd_tcp"
print('global', rspamd_tcp == tcp)
local function params(tag, next_step)
  return {host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
    callback = function(...) report(tag, ...); if next_step then next_step() end end}
end
print('ret', tcp:request(params('request', function()
  tcp.new(params('new', function()
    tcp:connect(params('connect'))
  end))
end)))
