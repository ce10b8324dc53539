{
  # The addon is built with CMake (cmake-js): libtorch ships CMake config files and no gyp ones. This
  # file lets tools that look for binding.gyp (electron-rebuild, node-gyp rebuild) build it all the same.
  "targets": [
    {
      "target_name": "sam2_node",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_js_compile",
          "inputs": ["CMakeLists.txt"],
          "outputs": ["build/Release/sam2_node.node"],
          "action": ["node", "scripts/prebuildify-cmake.mjs"]
        }
      ]
    }
  ]
}
