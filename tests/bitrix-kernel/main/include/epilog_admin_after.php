<?php
?>
</div>
</div>
</body>
</html>
<?php
require __DIR__ . '/epilog_after.php';
