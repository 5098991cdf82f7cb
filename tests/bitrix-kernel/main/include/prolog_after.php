<?php
// Public pages: no site template in the test kernel.
