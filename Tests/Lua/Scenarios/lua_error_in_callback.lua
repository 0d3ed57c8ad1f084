-- "Lua error in callback": the error is logged (callback call failed: ...) and swallowed; the read the
-- callback queued before failing still runs
-- @log: callback call failed:
-- @log: boom
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...)
    report('cb', ...)
    local _, _, conn = ...
    conn:add_read(function(...) report('cb2', ...) end, '\r\n')
    error('boom')
  end}
