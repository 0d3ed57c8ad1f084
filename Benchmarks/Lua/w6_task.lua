-- W6S and W6: the plugin every Lua host of the pool loads. w6_task(task) does a plugin's CPU work on the task's body
-- (task.finds plain string.find calls, search i for needle i of task.needles, cycled), checks the hit count against
-- the one the benchmark counted with IndexOf (task.hits; a wrong count raises, failing the task), then sends task.line
-- to the echo server (task.host, task.port) as a request of the task. A failed or wrong reply prints 'bad ...', which
-- fails the run.
local tcp = require 'rspamd_tcp'
local find, format = string.find, string.format

-- task.needles is one string, needles separated by '|': split once per host (and again only if it changes).
local needles_text, needles = nil, nil
local function needles_of(text)
  if text ~= needles_text then
    needles = {}
    for needle in text:gmatch('[^|]+') do needles[#needles + 1] = needle end
    needles_text = text
  end
  return needles
end

function w6_task(task)
  local body, list = task.body, needles_of(task.needles)
  local count, hits = #list, 0
  for i = 0, task.finds - 1 do
    if find(body, list[i % count + 1], 1, true) then hits = hits + 1 end
  end
  if hits ~= task.hits then
    error(format('%d of %d searches found their needle, expected %d', hits, task.finds, task.hits))
  end

  local line = task.line
  local want = line:sub(1, -2)
  local ok = tcp.request{task = task, host = task.host, port = task.port, data = line, stop_pattern = '\n',
    timeout = 30, callback = function(err, data)
      if err then
        print('bad ' .. tostring(err))
      elseif tostring(data) ~= want then
        print('bad wrong reply')
      end
    end}
  if not ok then error('request returned false') end
end
