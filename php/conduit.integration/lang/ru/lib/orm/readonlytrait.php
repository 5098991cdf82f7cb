<?php
$MESS['CONDUIT_ORM_READ_ONLY'] = '#CLASS# доступна только для чтения: строки пишет расширение conduit (Conduit\\SyncQueue, запись журнала запросов). Чтобы добавить или изменить задание, используйте Conduit\\Integration\\Services::queue().';
