-- A slowloris peer (a byte every 0.4 s, the stop pattern late) under read_timeout = 0.2 (phased, an idle timer): the
-- read fails with IO timeout at the first gap and the connection closes; the same drip under timeout = 1 (one budget
-- for the connection's life) fails too although every gap is shorter: drip_budget.lua. (A drip faster than an idle
-- read_timeout goes on, as in rspamd: drip_read_timeout.lua.)
-- @max-seconds: 5
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.drip, stop_pattern = '\r\n', read_timeout = 0.2,
  callback = function(err, data, conn)
    report('cb', err, data, conn)
    -- the timeout is fatal: a read added now joins the fan-out and gets the same error (rspamd), then it closes
    conn:add_read(function(...) report('after the timeout', ...) end, '\r\n')
  end}
