-- an unprotected Lua error raised by request (argument 1 not a table) fails the chunk itself: ScriptFinished carries
-- the error (rspamd: "tcp request has bad params")
-- @script-error: tcp request has bad params
local tcp = require "rspamd_tcp"
print('before')
tcp.request('not a table')
print('not reached')
