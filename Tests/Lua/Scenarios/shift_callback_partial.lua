-- shift_callback in partial mode (rspamd's intended use): the next queued read takes over the stream
local tcp = require "rspamd_tcp"
local shifted = false
tcp.request{host = servers.host, port = servers.chunked, partial = true,
  callback = function(...)
    report('cb1', ...)
    local _, _, conn = ...
    if not shifted then
      shifted = true
      conn:add_read(function(...) report('cb2', ...) end)
      conn:shift_callback()
    end
  end}
