-- 1000 concurrent requests from one script, each to its own connection: every reply reaches its own callback
-- @timeout: 40
local tcp = require "rspamd_tcp"
local N, done, correct, failed = 1000, 0, 0, {}
for i = 1, N do
  local want = 'req' .. i
  local ok = tcp.request{host = servers.host, port = servers.many, data = want .. '\n', stop_pattern = '\n',
    timeout = 20, callback = function(err, data)
      done = done + 1
      if err then failed[err] = (failed[err] or 0) + 1
      elseif tostring(data) == want then correct = correct + 1 end
      if done == N then
        print('correct', correct, 'of', N)
        for e, n in pairs(failed) do print('error', e, n) end
      end
    end}
  if not ok then print('request failed', i) end
end
