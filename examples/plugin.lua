-- A plugin for `actortcp node --plugin` and LuaPluginService.LoadPluginAsync: loading it defines functions (in every
-- Lua host) and does nothing else; a task then runs one of them with its fields.
--
--   check_backend(task): task.host and task.port name a line-echo backend; the task's result gets BACKEND_OK with
--   the echoed line, or BACKEND_FAIL with the error.
local tcp = require 'rspamd_tcp'

function check_backend(task)
  tcp.request{
    task = task,
    host = task.host or '127.0.0.1',
    port = tonumber(task.port),
    data = 'ping\n',
    stop_pattern = '\n',
    timeout = 2,
    callback = function(err, data)
      if err then task:insert_result('BACKEND_FAIL', 1, err)
      else task:insert_result('BACKEND_OK', 0, tostring(data)) end
    end,
  }
end
