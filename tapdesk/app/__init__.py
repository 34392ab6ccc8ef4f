"""The composition root (:mod:`tapdesk.app.main`) and the services container it hands to a front
end (:mod:`tapdesk.app.services`). Only ``main`` decides between the real and the demo tenant."""
